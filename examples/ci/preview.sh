#!/usr/bin/env bash
# Pull request job: preview the stack and write the pull-request report.
#
#   PULUMI_STACK   the stack to preview (e.g. acme/torq-sso/production)
#   TORQ_CLIENT_SECRET (and TORQ_CLIENT_ID / TORQ_API_URL when the stack's config lacks them): the
#                  API key, from the CI secret store; never printed
#   TORQ_SSO       how to run the torq-sso command (default: npx torq-sso)
#
# Writes preview.json and review.md in the working directory. Exits 0 when the preview has no change
# or changes the review accepts, 1 when the preview failed or the lockout guard refuses (like
# `terraform plan -detailed-exitcode`, `torq-sso review` itself exits 2 for "changes").
set -euo pipefail
: "${PULUMI_STACK:?set PULUMI_STACK to the stack to preview}"
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}

# The preview's own exit code is not what decides: a refused preview still writes its JSON, and the
# review reads the refusal from it.
pulumi preview --stack "$PULUMI_STACK" --non-interactive --json >preview.json 2>preview.stderr || true
status=0
$torq_sso review preview.json >review.md || status=$?
if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "review-exit=$status" >>"$GITHUB_OUTPUT"; fi
cat review.md
if [[ $status == 1 ]]; then
  echo "torq-sso review: the preview failed or the lockout guard refuses it (see review.md)" >&2
  exit 1
fi
