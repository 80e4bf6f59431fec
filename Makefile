# Every target sets up what it needs: Node.js >= 22 (scripts/node.sh), the npm packages pinned in
# package-lock.json, and for the Pulumi runs the CLI and Node language host (scripts/pulumi-cli.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&
ENV_PULUMI := source scripts/env.sh --pulumi &&
# The e2e tier also runs a Pulumi YAML program (Pulumi YAML's language host, scripts/pulumi-yaml.sh)
# and regenerates the SDKs to check sdk-gen/ (the code generators, scripts/pulumi-sdkgen.sh): both
# are built once and cached, before the tests start.
ENV_E2E := $(ENV_PULUMI) scripts/pulumi-sdkgen.sh >/dev/null && export PATH="$$(scripts/pulumi-yaml.sh | tail -n 1):$$PATH" &&

.PHONY: all deps build lint schema sdks plugin test test-unit test-e2e demo bench clean

all: build

node_modules/.installed: package.json package-lock.json
	$(ENV) npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: node_modules/.installed

# tsc (the SDK generated from schema.json first, scripts/buildGeneratedSdk.mjs), then the provider
# bundled into dist/provider/bundle.js (what the shim loads; see scripts/bundleProvider.mjs); and the
# plugin's launcher (plugin/launcher.ts) as dist/bin/pulumi-resource-torq.
build: deps
	$(ENV) npm run --silent build
	install -D -m 755 dist/plugin/launcher.js dist/bin/pulumi-resource-torq

# The examples run without type-checking (their tsconfig.json says noCheck), so they are type-checked here.
lint: build
	$(ENV) npx eslint .
	$(ENV) npx tsc -p examples

# schema.json is generated from provider/schemas; test/unit/schema.test.ts fails when it is stale.
schema: build
	$(ENV) node dist/scripts/schema.js

# sdk-gen/{nodejs,python,go} are generated from schema.json with `pulumi package gen-sdk`;
# test/e2e/generatedSdks.test.ts fails when they are stale. Run after `make schema`.
sdks: build
	$(ENV_PULUMI) scripts/gen-sdks.sh
	$(ENV) npm run --silent build

# The resource provider plugin: dist/bin/pulumi-resource-torq (runs this checkout's build; point
# `plugins.providers[].path` at dist/bin) and the tarball for `pulumi plugin install resource torq`.
plugin: build
	$(ENV) node dist/scripts/pluginPackage.js

# The test tiers, fastest first: pure logic, the client and the local workspace over loopback, then
# real `pulumi` runs. One mocha run so the summary counts every test. (The files are named here, not in
# .mocharc.json: mocha adds a config's spec to the command line's, so test-unit would run them all.)
test: build
	$(ENV_E2E) npx mocha 'dist/test/**/*.test.js'

# Everything but the real `pulumi` runs: pure logic, the client, the local workspace, logins, the CLI, the plugin's server.
test-unit: build
	$(ENV) npx mocha 'dist/test/**/*.test.js' --ignore 'dist/test/e2e/**'

test-e2e: build
	$(ENV_E2E) npx mocha 'dist/test/e2e/**/*.test.js'

demo: build
	$(ENV_PULUMI) scripts/demo.sh

bench: build
	$(ENV_PULUMI) scripts/bench.sh

clean:
	rm -rf dist .tmp
