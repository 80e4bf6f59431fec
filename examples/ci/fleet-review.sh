#!/usr/bin/env bash
# Fleet, last job of a pull request: join the matrix jobs' reports into one review, review.md (a
# summary table of every workspace first, then a section per workspace), posted as the PR comment.
#
#   FLEET_REPORTS  the folder holding the jobs' reports (default fleet-reports)
#   TORQ_SSO       how to run the torq-sso command (default: npx torq-sso)
#
# Exits 1 when a workspace was refused or failed, else 0; writes the merged exit code (0 no change,
# 2 changes, 1 refused or failed) to the step's outputs as `review-exit`.
set -euo pipefail
reports=${FLEET_REPORTS:-fleet-reports}
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}
shopt -s nullglob
files=("$reports"/*.json)
if [[ ${#files[@]} == 0 ]]; then
  echo "torq-sso fleet: no report in $reports/ (did every preview job fail before writing one?)" >&2
  exit 1
fi
status=0
$torq_sso fleet merge-reports "${files[@]}" >review.md || status=$?
if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "review-exit=$status" >>"$GITHUB_OUTPUT"; fi
cat review.md
if [[ $status == 1 ]]; then
  echo "torq-sso fleet: a workspace was refused or failed (see review.md)" >&2
  exit 1
fi
