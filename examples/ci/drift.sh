#!/usr/bin/env bash
# Scheduled job: fail when the workspace no longer matches the stack (rules edited in the Torq UI,
# a rotated secret, SSO-only switched off). The provider compares with the live workspace at preview,
# so --expect-no-changes fails on drift and the preview's plan says what it is.
#
#   PULUMI_STACK, TORQ_CLIENT_SECRET (see preview.sh)
set -euo pipefail
: "${PULUMI_STACK:?set PULUMI_STACK to the stack to check}"
pulumi preview --stack "$PULUMI_STACK" --non-interactive --expect-no-changes --diff
