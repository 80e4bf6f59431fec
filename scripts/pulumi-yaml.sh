#!/usr/bin/env bash
# Makes Pulumi YAML's language host, `pulumi-language-yaml`, available, and prints the directory
# holding it on the last line of stdout (progress goes to stderr). `make test` puts that directory
# on PATH so the e2e suite can run a YAML program through pulumi-resource-torq.
#
# It is github.com/pulumi/pulumi-yaml's cmd/pulumi-language-yaml at v$YAML_VERSION, built from the
# Go module proxy in a throwaway module with the github.com/pulumi/pulumi/pkg/v3 that release pins
# (building it against the CLI's newer pkg/v3 does not compile), and cached in
# ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-torq-sso/pulumi-yaml-vVERSION/bin. A cold build takes
# several minutes on 2 cores; concurrent callers wait for one build (flock).
set -euo pipefail
gobuild_name=pulumi-yaml
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo_root/scripts/lib/gobuild.sh"

YAML_VERSION=1.25.0
module=github.com/pulumi/pulumi-yaml
bin_dir="$gobuild_cache_root/pulumi-yaml-v$YAML_VERSION/bin"

complete() {
  [[ -x $bin_dir/pulumi-language-yaml ]]
}
if complete; then
  echo "$bin_dir"
  exit 0
fi
mkdir -p "$gobuild_cache_root"
gobuild_lock "$gobuild_cache_root/.lock-pulumi-yaml-v$YAML_VERSION"
if complete; then
  echo "$bin_dir"
  exit 0
fi

gobuild_start
started=$SECONDS
log "building pulumi-language-yaml v$YAML_VERSION (cached in $bin_dir)"
mkdir -p "$gobuild_work/module" "$gobuild_work/bin"
cd "$gobuild_work/module"
cat >tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
GO
run_logged go mod init pulumi-torq-sso-yaml
pkg_version=$(required_version "$module" github.com/pulumi/pulumi/pkg/v3 "v$YAML_VERSION")
[[ -n $pkg_version ]] || die "could not find the pkg/v3 version $module@v$YAML_VERSION requires"
log "pulumi-yaml v$YAML_VERSION pins github.com/pulumi/pulumi/pkg/v3 $pkg_version"
copy_replaces "$module" "v$YAML_VERSION"
copy_replaces github.com/pulumi/pulumi/pkg/v3 "$pkg_version"
run_logged go get "$module@v$YAML_VERSION"
log "downloading its dependencies"
run_logged go mod tidy
start_heartbeat "compiling pulumi-language-yaml"
run_logged go build -mod=mod -trimpath -ldflags "-s -w -X $module/pkg/version.Version=v$YAML_VERSION" \
  -o "$gobuild_work/bin/pulumi-language-yaml" "$module/cmd/pulumi-language-yaml"
stop_heartbeat
mkdir -p "$(dirname "$bin_dir")"
rm -rf "$bin_dir"
mv -T "$gobuild_work/bin" "$bin_dir"
log "built in $((SECONDS - started))s: $bin_dir"
echo "$bin_dir"
