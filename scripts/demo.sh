#!/usr/bin/env bash
# `make demo`: the quickstart applied to a local workspace. Starts `torq-sso workspace serve` on a
# loopback port with an SQLite file, runs the quickstart program with the real Pulumi engine on the
# file backend, prints what changed, shows which role two users get from the rules, and ends with
# those two users signing in through a real OIDC IdP on loopback and getting different roles.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
demo="$root/.tmp/demo"
rm -rf "$demo"
mkdir -p "$demo/state"

node "$root/dist/cli/index.js" workspace serve --json --port 0 --data "$demo/workspace.db" >"$demo/server.out" 2>"$demo/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$demo/server.out" ] && break; sleep 0.1; done
[ -s "$demo/server.out" ] || { echo "demo: the local workspace did not start:"; cat "$demo/server.err"; exit 1; }
read -r url client_id client_secret < <(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").split("\n")[0]); console.log(j.url, j.client_id, j.client_secret)' "$demo/server.out")
echo "==> local workspace at $url (data: .tmp/demo/workspace.db)"

cp -r "$root/examples/quickstart" "$demo/project"
mkdir -p "$demo/project/node_modules/@pulumi"
ln -s "$root/node_modules/@pulumi/pulumi" "$demo/project/node_modules/@pulumi/pulumi"
ln -s "$root/node_modules/typescript" "$demo/project/node_modules/typescript"
ln -s "$root" "$demo/project/node_modules/pulumi-torq-sso"

export PULUMI_BACKEND_URL="file://$demo/state" PULUMI_CONFIG_PASSPHRASE=demo PULUMI_HOME="$demo/pulumi-home"
export PULUMI_NODEJS_TRANSPILE_ONLY=true
cd "$demo/project"
pulumi stack init dev --non-interactive >/dev/null
pulumi config set -- torq:apiUrl "$url" >/dev/null
pulumi config set -- torq:clientId "$client_id" >/dev/null
pulumi config set --secret -- torq:clientSecret "$client_secret" >/dev/null

echo "==> pulumi up (quickstart)"
pulumi up --yes --non-interactive --color=never
echo "==> a second preview: nothing to change"
pulumi preview --expect-no-changes --non-interactive --color=never | tail -n 3

pulumi stack output appliedRules --json >"$demo/rules.json"
echo "==> which role two users get from the applied rules"
for claims in '{"email":"owner@example.com","groups":["everyone"]}' '{"email":"dev@example.com","groups":["engineering","everyone"]}'; do
  printf '  %-70s -> ' "$claims"
  node "$root/dist/cli/index.js" evaluate --mappings "$demo/rules.json" --claims "$claims"
done

echo "==> two test users sign in through a real OIDC IdP (dev oidc-provider on loopback) and get their roles"
TORQ_CLIENT_ID="$client_id" TORQ_CLIENT_SECRET="$client_secret" \
  node "$root/dist/devidp/serve.js" --workspace "$url" --configure oidc --json >"$demo/idp.out" 2>"$demo/idp.err" &
idp=$!
trap 'kill $server $idp 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$demo/idp.out" ] && break; sleep 0.1; done
[ -s "$demo/idp.out" ] || { echo "demo: the dev IdPs did not start:"; cat "$demo/idp.err"; exit 1; }
for user in owner dev; do
  node "$root/dist/cli/index.js" test-login --workspace "$url" --user "$user"
done
