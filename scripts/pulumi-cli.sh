#!/usr/bin/env bash
# Makes a Pulumi CLI and a Node.js language host available, and prints the
# directory holding `pulumi` and `pulumi-language-nodejs` on the last line of
# stdout. Progress goes to stderr.
#
# Usage: scripts/pulumi-cli.sh [VERSION]
#
# VERSION (e.g. 3.276.0) defaults to the version of @pulumi/pulumi installed
# in the repository's node_modules.
#
# 1. A `pulumi` already on PATH is used when it is recent enough (same major
#    version, minor version at most 10 below VERSION's) and a
#    `pulumi-language-nodejs` is on PATH or next to it.
#    Set PULUMI_CLI_IGNORE_PATH=1 to skip this and always use the cache.
# 2. Otherwise the cache ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-torq-sso/
#    pulumi-vVERSION/bin is used when it is complete. If only
#    scripts/langhost changed since it was built, just the language host is
#    rebuilt (under a minute or so); a changed launcher is just copied.
# 3. Otherwise both are built from Go modules (the module proxy only; no
#    binary downloads) and moved into the cache. A cold build takes 10-15
#    minutes on 2 cores; concurrent callers wait for one build (flock).
#
# The built `pulumi` is github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at
# vVERSION. The language host is scripts/langhost, a small stand-in for
# Pulumi's own Node.js host (which has no tagged Go module). The cache bin
# directory also holds a copy of scripts/pulumi-resource-pulumi-nodejs, the
# launcher for the Node.js dynamic provider (refreshed whenever it differs), so
# that putting that one directory first on PATH is all a caller needs (plus a
# `node` on PATH).
set -euo pipefail

gobuild_name=pulumi-cli
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# log, die, the build lock, the work directory, the heartbeat, run_logged, copy_replaces.
source "$repo_root/scripts/lib/gobuild.sh"

# --- version -----------------------------------------------------------------
version=${1:-}
if [[ -z $version ]]; then
  version=$(pulumi_sdk_version "$repo_root")
fi
version=${version#v}
[[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "unsupported version '$version' (want X.Y.Z)"
want_major=${BASH_REMATCH[1]}
want_minor=${BASH_REMATCH[2]}

# --- 1. a recent enough pulumi on PATH -----------------------------------------
if [[ -z ${PULUMI_CLI_IGNORE_PATH:-} ]] && path_pulumi=$(command -v pulumi 2>/dev/null); then
  path_version=$(PULUMI_SKIP_UPDATE_CHECK=true "$path_pulumi" version 2>/dev/null | head -n 1 || true)
  if [[ $path_version =~ ^v?([0-9]+)\.([0-9]+)\. ]] &&
    ((BASH_REMATCH[1] == want_major && BASH_REMATCH[2] >= want_minor - 10)); then
    path_dir=$(dirname "$path_pulumi")
    if [[ -x $path_dir/pulumi-language-nodejs ]] || command -v pulumi-language-nodejs >/dev/null 2>&1; then
      log "using pulumi $path_version from PATH ($path_pulumi)"
      echo "$path_dir"
      exit 0
    fi
    log "pulumi $path_version on PATH has no pulumi-language-nodejs next to it or on PATH; using the cache"
  elif [[ -n $path_version ]]; then
    log "pulumi on PATH is $path_version, not recent enough for $version; using the cache"
  fi
fi

# --- 2. the cache --------------------------------------------------------------
cache_dir="$gobuild_cache_root/pulumi-v$version"
bin_dir="$cache_dir/bin"

# The language host alone is rebuilt (under a minute or so) when its sources change.
langhost_src="$repo_root/scripts/langhost"
langhost_sum=$(cat "$langhost_src/go.mod" "$langhost_src/go.sum" "$langhost_src"/*.go | cksum | cut -d' ' -f1)
langhost_stamp="$bin_dir/.pulumi-language-nodejs.cksum"
# The engine looks for the Node.js dynamic provider plugin next to `pulumi` (or on PATH).
launcher_src="$repo_root/scripts/pulumi-resource-pulumi-nodejs"
launcher="$bin_dir/pulumi-resource-pulumi-nodejs"

cli_complete() {
  [[ -x $bin_dir/pulumi ]]
}
langhost_current() {
  [[ -x $bin_dir/pulumi-language-nodejs && -f $langhost_stamp && $(<"$langhost_stamp") == "$langhost_sum" ]]
}
launcher_current() {
  [[ -x $launcher ]] && cmp -s "$launcher_src" "$launcher"
}
cache_complete() {
  cli_complete && langhost_current && launcher_current
}
# Copies the launcher into directory $1 through a temporary file, so a running engine never
# starts half of it.
install_launcher() {
  cp "$launcher_src" "$1/.pulumi-resource-pulumi-nodejs.tmp"
  chmod 755 "$1/.pulumi-resource-pulumi-nodejs.tmp"
  mv -f "$1/.pulumi-resource-pulumi-nodejs.tmp" "$1/pulumi-resource-pulumi-nodejs"
}

if cache_complete; then
  echo "$bin_dir"
  exit 0
fi

# --- 3. build --------------------------------------------------------------------
# One build per version at a time; a second caller waits and reuses it.
mkdir -p "$gobuild_cache_root"
gobuild_lock "$gobuild_cache_root/.lock-v$version"
if cache_complete; then
  echo "$bin_dir"
  exit 0
fi

if cli_complete && langhost_current; then
  install_launcher "$bin_dir"
  log "updated pulumi-resource-pulumi-nodejs (scripts/pulumi-resource-pulumi-nodejs changed)"
  echo "$bin_dir"
  exit 0
fi

gobuild_start
work=$gobuild_work

started=$SECONDS
mkdir -p "$work/bin"

build_langhost() { # $1: output file
  run_logged go build -C "$langhost_src" -mod=readonly -trimpath \
    -o "$1" -ldflags "-s -w -X main.version=$version" .
}

if cli_complete; then
  # Only the language host's sources changed (and maybe the launcher): rebuild it alone.
  log "rebuilding pulumi-language-nodejs (scripts/langhost changed)"
  build_langhost "$work/bin/pulumi-language-nodejs"
  echo "$langhost_sum" >"$work/bin/stamp"
  mv -f "$work/bin/pulumi-language-nodejs" "$bin_dir/pulumi-language-nodejs"
  mv -f "$work/bin/stamp" "$langhost_stamp"
  log "rebuilt pulumi-language-nodejs in $((SECONDS - started))s"
  launcher_current || install_launcher "$bin_dir"
  echo "$bin_dir"
  exit 0
fi

log "building pulumi v$version and its Node.js language host with $(go version | cut -d' ' -f3)"
log "(a cold build takes 10-15 minutes on 2 cores; the result is cached in $bin_dir)"
mkdir -p "$work/cli"

# The CLI's main package is in github.com/pulumi/pulumi/pkg/v3, whose go.mod
# has replace directives, so `go install pkg@version` refuses it. Build it
# from a throwaway module that requires pkg/v3 and sdk/v3 at the same version.
cd "$work/cli"
cat >tools.go <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
run_logged go mod init pulumi-cli-build
log "resolving github.com/pulumi/pulumi/pkg/v3@v$version"
# Copy pkg/v3's replace directives that point at other modules (those pointing at local
# directories are for the pulumi monorepo itself).
copy_replaces github.com/pulumi/pulumi/pkg/v3 "v$version"
run_logged go get "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version"
log "downloading the CLI's dependencies"
run_logged go mod tidy
sdk_version=$(go list -mod=mod -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)
[[ $sdk_version == "v$version" ]] ||
  die "github.com/pulumi/pulumi/sdk/v3 resolved to $sdk_version, expected v$version"
log "compiling pulumi (the slow part)"
start_heartbeat "compiling pulumi"
run_logged go build -mod=mod -trimpath -o "$work/bin/pulumi" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
stop_heartbeat
cd "$repo_root"

log "compiling pulumi-language-nodejs (scripts/langhost)"
build_langhost "$work/bin/pulumi-language-nodejs"
echo "$langhost_sum" >"$work/bin/.pulumi-language-nodejs.cksum"

install_launcher "$work/bin"

got=$(PULUMI_SKIP_UPDATE_CHECK=true "$work/bin/pulumi" version 2>/dev/null | head -n 1 || true)
[[ $got == "v$version" ]] || die "built pulumi reports version '$got', expected v$version"

mkdir -p "$cache_dir"
rm -rf "$bin_dir"
mv -T "$work/bin" "$bin_dir"
log "built pulumi v$version in $((SECONDS - started))s: $bin_dir"
echo "$bin_dir"
