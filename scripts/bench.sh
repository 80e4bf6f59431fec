#!/usr/bin/env bash
# `make bench`: the benchmarks in turn, from the compiled tree (the Makefile builds first and puts
# Node and the Pulumi CLI on PATH with `source scripts/env.sh --pulumi`):
#   workspace      the local workspace's rate as a ratio of a bare node:http server's, at 100 and 1,000 rules
#   evaluate       the claim evaluator and the planner, pure
#   claimMappings  ClaimMappings through the real Pulumi engine: requests, writes, preview time
#   previewStartup a no-change preview with and without Node's compile cache and type-check
#   pluginStart    pulumi-resource-torq from its start to its first answer, with and without its code cache
#   pluginPreview  pulumi-resource-torq's own part of a no-change preview at 100 rules, call by call
#   structCodec    one preview's property messages in the plugin: google-protobuf against plugin/structCodec.ts
#   providerModes  the same no-change preview with the dynamic provider and with the plugin
#   fleet          torq-sso fleet preview for 1, 5 and 20 workspaces: concurrent against one at a time
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v pulumi >/dev/null || { echo "bench: the Pulumi CLI is not on PATH; run \`source scripts/env.sh --pulumi\` first (or \`make bench\`)" >&2; exit 1; }
for bench in workspace evaluate claimMappings previewStartup pluginStart pluginPreview structCodec providerModes fleet; do
  [ -f "dist/bench/$bench.js" ] || { echo "bench: dist/bench/$bench.js is missing; build first (npx tsc -p .)" >&2; exit 1; }
done
for bench in workspace evaluate claimMappings previewStartup pluginStart pluginPreview structCodec providerModes fleet; do
  echo "==> node dist/bench/$bench.js"
  node "dist/bench/$bench.js"
  echo
done
