#!/usr/bin/env bash
# Fleet, merge job (behind an environment approval): apply the fleet wave by wave. A wave starts only
# when every workspace of the one before applied; at a refusal or failure the rollout stops, and the
# report (up.md) says which workspace and why, and which command finishes the rollout once fixed.
#
#   FLEET_FILE     the fleet file (default fleet.yaml)
#   every environment variable the fleet file's credentials name, from the CI secret store
#   TORQ_SSO       how to run the torq-sso command (default: npx torq-sso)
set -euo pipefail
fleet=${FLEET_FILE:-fleet.yaml}
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}
status=0
$torq_sso fleet up "$fleet" >up.md || status=$?
cat up.md
exit "$status"
