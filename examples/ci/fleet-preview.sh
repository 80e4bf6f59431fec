#!/usr/bin/env bash
# Fleet, one matrix job per workspace: preview it and write its report for the review job.
#
#   FLEET_FILE               the fleet file (default fleet.yaml)
#   FLEET_JOB                the matrix entry's `name`: names the report, fleet-reports/<name>.json
#   FLEET_WORKSPACES         the matrix entry's `workspaces` (the value of --only)
#   FLEET_CLIENT_ID_VAR, FLEET_CLIENT_SECRET_VAR
#                            the entry's `clientIdVar` / `clientSecretVar`: the environment variables
#                            the fleet file reads this workspace's API key from; the key itself comes in
#   TORQ_FLEET_CLIENT_ID, TORQ_FLEET_CLIENT_SECRET
#                            from the CI secret store, and is exported under those names (never printed).
#                            Without the *_VAR names, the fleet file's variables must be set directly.
#   TORQ_SSO                 how to run the torq-sso command (default: npx torq-sso)
#
# Exits 0 when the preview has no change or changes, 1 when it was refused or failed; the report is
# written either way.
set -euo pipefail
: "${FLEET_JOB:?set FLEET_JOB to the name of the matrix entry}"
: "${FLEET_WORKSPACES:?set FLEET_WORKSPACES to the workspaces of the matrix entry}"
fleet=${FLEET_FILE:-fleet.yaml}
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}
if [[ -n ${FLEET_CLIENT_ID_VAR:-} && -n ${FLEET_CLIENT_SECRET_VAR:-} ]]; then
  export "$FLEET_CLIENT_ID_VAR=${TORQ_FLEET_CLIENT_ID:?set TORQ_FLEET_CLIENT_ID from the secret store}"
  export "$FLEET_CLIENT_SECRET_VAR=${TORQ_FLEET_CLIENT_SECRET:?set TORQ_FLEET_CLIENT_SECRET from the secret store}"
fi
mkdir -p fleet-reports
status=0
$torq_sso fleet preview "$fleet" --only "$FLEET_WORKSPACES" --json >"fleet-reports/$FLEET_JOB.json" || status=$?
if [[ $status == 1 ]]; then
  echo "torq-sso fleet preview: $FLEET_WORKSPACES refused or failed (the merged review says why)" >&2
  exit 1
fi
