#!/usr/bin/env bash
# Merge job (behind an environment approval): apply the stack. The preview part of `up` runs the same
# checks as the pull request's preview against the workspace as it is now, and the lockout guard runs
# again before any write.
#
#   PULUMI_STACK, TORQ_CLIENT_SECRET (see preview.sh)
set -euo pipefail
: "${PULUMI_STACK:?set PULUMI_STACK to the stack to apply}"
pulumi up --stack "$PULUMI_STACK" --non-interactive --yes --diff
