# Sourced by the Makefile and .ci/run: puts a Node.js >= 22 first on PATH, with a compile cache, and,
# with --pulumi, the Pulumi CLI and Node language host (the ones on PATH when recent enough, otherwise
# built from Go modules and cached; that directory also holds the dynamic-provider plugin launcher).
#   source scripts/env.sh [--pulumi]
_torq_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_torq_node_bin="$("$_torq_root/scripts/node.sh")" || return 1
export PATH="$_torq_node_bin:$PATH"
# Node's on-disk compile cache (Node >= 22.1; `make clean` empties it): tsc, eslint, mocha and every
# Pulumi program and provider process of a test run reuse the code compiled by the previous run.
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$_torq_root/.tmp/node-compile-cache}"
if [ "${1:-}" = "--pulumi" ]; then
  _torq_pulumi_bin="$("$_torq_root/scripts/pulumi-cli.sh" | tail -n 1)" || return 1
  export PATH="$_torq_pulumi_bin:$PATH"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
fi
unset _torq_root _torq_node_bin _torq_pulumi_bin
