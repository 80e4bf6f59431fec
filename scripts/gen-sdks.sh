#!/usr/bin/env bash
# `make sdks`: regenerates sdk-gen/{nodejs,python,go} from schema.json with `pulumi package gen-sdk`.
# The code generators come from scripts/pulumi-sdkgen.sh (Pulumi's own, at the CLI's version), put
# first on PATH for these runs only. test/e2e/generatedSdks.test.ts fails when sdk-gen/ is stale.
#   scripts/gen-sdks.sh [OUT_DIR]   (default: sdk-gen in the repository)
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$repo_root/sdk-gen}
sdkgen_bin=$("$repo_root/scripts/pulumi-sdkgen.sh" | tail -n 1)
mkdir -p "$out"
for language in nodejs python go; do
  if ! log=$(PATH="$sdkgen_bin:$PATH" pulumi package gen-sdk "$repo_root/schema.json" --language "$language" -o "$out" 2>&1); then
    echo "$log" >&2
    exit 1
  fi
done
echo "wrote $out/{nodejs,python,go}"
