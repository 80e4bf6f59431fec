#!/usr/bin/env bash
# Fleet, scheduled job: `--expect-no-changes` on every workspace. Fails (exit 2) when someone changed
# a workspace outside Pulumi, and drift.md names exactly which ones and what changed.
#
#   FLEET_FILE, the credentials' environment variables, TORQ_SSO (see fleet-up.sh)
set -euo pipefail
fleet=${FLEET_FILE:-fleet.yaml}
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}
status=0
$torq_sso fleet drift "$fleet" >drift.md || status=$?
cat drift.md
exit "$status"
