# Sourced by the scripts that build a Go tool from the module proxy into the cache
# (scripts/pulumi-cli.sh, scripts/pulumi-sdkgen.sh, scripts/pulumi-yaml.sh): logging, a
# one-build-at-a-time lock, a heartbeat for long compiles, and the throwaway module that a `main`
# package with `replace` directives in its own go.mod needs (`go install pkg@version` refuses those).
#
# The caller sets `gobuild_name` (the log prefix) before sourcing.

log() { printf '[%s] %s\n' "$gobuild_name" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The cache every tool of this project goes to.
gobuild_cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-torq-sso"

# The version of @pulumi/pulumi in the repository's node_modules: the CLI's version.
pulumi_sdk_version() { # $1: repository root
  local pkg_json="$1/node_modules/@pulumi/pulumi/package.json"
  [[ -f $pkg_json ]] || die "$pkg_json not found (run npm ci first)"
  sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$pkg_json" | head -n 1
}

# Takes the lock file $1 (waiting for another build to finish), then returns. The lock is held
# on file descriptor 9 until the script exits.
gobuild_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$1"
  if ! flock -n 9; then
    log "another build is running; waiting for it"
    flock 9
  fi
}

# Puts Go on PATH and makes a work directory $gobuild_work, removed on exit.
gobuild_start() {
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] || die "Go is needed for this build but 'go' is not on PATH"
    export PATH="/usr/local/go/bin:$PATH"
  fi
  export GOFLAGS=-buildvcs=false
  unset GOOS GOARCH GOBIN
  mkdir -p "$gobuild_cache_root"
  gobuild_work=$(mktemp -d "$gobuild_cache_root/.build-$gobuild_name.XXXXXX")
  gobuild_heartbeat=
  trap 'stop_heartbeat; rm -rf "$gobuild_work"' EXIT
}

# Prints a line every minute while a long step runs; the ticker holds no stdout or lock open.
start_heartbeat() {
  local what=$1 start=$SECONDS
  (
    exec >/dev/null 9>&-
    sleep_pid=
    trap 'if [[ -n $sleep_pid ]]; then kill "$sleep_pid" 2>/dev/null; fi; exit 0' TERM
    while :; do
      sleep 60 &
      sleep_pid=$!
      wait "$sleep_pid" || true
      printf '[%s] ... still %s (%ds)\n' "$gobuild_name" "$what" $((SECONDS - start)) >&2
    done
  ) &
  gobuild_heartbeat=$!
}
stop_heartbeat() {
  if [[ -n ${gobuild_heartbeat:-} ]]; then
    kill "$gobuild_heartbeat" 2>/dev/null || true
    wait "$gobuild_heartbeat" 2>/dev/null || true
    gobuild_heartbeat=
  fi
}

# Runs a command with its output in the build log, showing the log's tail on failure.
run_logged() {
  if ! "$@" >>"$gobuild_work/build.log" 2>&1; then
    stop_heartbeat
    log "command failed: $*"
    tail -n 60 "$gobuild_work/build.log" >&2 || true
    die "build failed"
  fi
}

# The go.mod of module $1 at version $2, from the module proxy.
module_gomod() {
  run_logged go mod download -json "$1@$2"
  go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"GoMod":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p'
}

# Copies into the current module the replace directives of module $1 at version $2 that point at
# other modules (those pointing at local directories are for that module's own repository).
copy_replaces() {
  local gomod line lhs rhs lhs_mod lhs_ver rhs_mod rhs_ver
  gomod=$(module_gomod "$1" "$2")
  [[ -f $gomod ]] || die "could not find go.mod of $1@$2"
  awk '
    /^replace[[:space:]]*\($/ { inblock = 1; next }
    inblock && /^\)/ { inblock = 0; next }
    /^replace[[:space:]]/ { sub(/^replace[[:space:]]+/, ""); print; next }
    inblock && NF { print }
  ' "$gomod" | while read -r line; do
    line=${line%%//*}
    lhs=$(echo "${line%%=>*}" | xargs)
    rhs=$(echo "${line#*=>}" | xargs)
    read -r rhs_mod rhs_ver _ <<<"$rhs"
    [[ -n ${rhs_ver:-} ]] || continue
    read -r lhs_mod lhs_ver _ <<<"$lhs"
    [[ -n ${lhs_ver:-} ]] && lhs_mod="$lhs_mod@$lhs_ver"
    go mod edit -replace="$lhs_mod=$rhs_mod@$rhs_ver"
  done
}

# The version of module $2 that module $1's go.mod at version $3 requires.
required_version() {
  local gomod
  gomod=$(module_gomod "$1" "$3")
  awk -v mod="$2" '$1 == mod && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == mod { print $3; exit }' "$gomod"
}
