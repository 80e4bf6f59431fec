#!/usr/bin/env bash
# Fleet, first job: the fleet as a CI matrix, one entry per workspace (or FLEET_SHARDS entries of
# several workspaces each, when there are more workspaces than jobs you want).
#
#   FLEET_FILE     the fleet file (default fleet.yaml)
#   FLEET_SHARDS   optional: cut the fleet into this many jobs instead of one per workspace
#   TORQ_SSO       how to run the torq-sso command (default: npx torq-sso)
#
# Prints the matrix and writes it to the step's outputs as `matrix`.
set -euo pipefail
fleet=${FLEET_FILE:-fleet.yaml}
torq_sso=${TORQ_SSO:-npx --no-install torq-sso}
matrix=$($torq_sso fleet matrix "$fleet" ${FLEET_SHARDS:+--shards "$FLEET_SHARDS"})
echo "$matrix"
if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "matrix=$matrix" >>"$GITHUB_OUTPUT"; fi
