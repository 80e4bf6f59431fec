#!/usr/bin/env bash
# Makes the code generators `pulumi package gen-sdk` calls available, and prints the directory
# holding them on the last line of stdout (progress goes to stderr).
#
# gen-sdk asks the language plugin `pulumi-language-<lang>` to GeneratePackage. Pulumi's own Node.js,
# Python and Go hosts are not available from the Go module proxy, so scripts/sdkgen is a small host
# that answers GeneratePackage with Pulumi's code generators (github.com/pulumi/pulumi/pkg/v3/codegen,
# at the CLI's version) and nothing else. It is installed as pulumi-language-nodejs, -python and -go
# in its own directory, ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-torq-sso/sdkgen-vVERSION/bin, which
# callers put first on PATH only for gen-sdk: it cannot run programs.
#
# Built once (a few minutes on 2 cores when the CLI's build left its modules in the Go cache),
# rebuilt when scripts/sdkgen changes; concurrent callers wait for one build (flock).
set -euo pipefail
gobuild_name=pulumi-sdkgen
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo_root/scripts/lib/gobuild.sh"

version=$(pulumi_sdk_version "$repo_root")
src="$repo_root/scripts/sdkgen"
sum=$(cat "$src"/*.go | cksum | cut -d' ' -f1)
bin_dir="$gobuild_cache_root/sdkgen-v$version/bin"
languages=(nodejs python go)

complete() {
  [[ -f $bin_dir/.cksum && $(<"$bin_dir/.cksum") == "$sum" ]] || return 1
  for l in "${languages[@]}"; do [[ -x $bin_dir/pulumi-language-$l ]] || return 1; done
}
if complete; then
  echo "$bin_dir"
  exit 0
fi
mkdir -p "$gobuild_cache_root"
gobuild_lock "$gobuild_cache_root/.lock-sdkgen-v$version"
if complete; then
  echo "$bin_dir"
  exit 0
fi

gobuild_start
started=$SECONDS
log "building the code generators of pulumi v$version (cached in $bin_dir)"
mkdir -p "$gobuild_work/module" "$gobuild_work/bin"
cd "$gobuild_work/module"
cp "$src"/*.go .
run_logged go mod init pulumi-torq-sso-sdkgen
copy_replaces github.com/pulumi/pulumi/pkg/v3 "v$version"
run_logged go get "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version"
run_logged go mod tidy
start_heartbeat "compiling"
run_logged go build -mod=mod -trimpath -ldflags "-s -w -X main.version=$version" -o "$gobuild_work/bin/pulumi-language-go" .
stop_heartbeat
for l in nodejs python; do cp "$gobuild_work/bin/pulumi-language-go" "$gobuild_work/bin/pulumi-language-$l"; done
echo "$sum" >"$gobuild_work/bin/.cksum"
mkdir -p "$(dirname "$bin_dir")"
rm -rf "$bin_dir"
mv -T "$gobuild_work/bin" "$bin_dir"
log "built in $((SECONDS - started))s: $bin_dir"
echo "$bin_dir"
