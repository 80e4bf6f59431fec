# Every target sets up what it needs: Node.js >= 22 (scripts/node.sh), the npm packages pinned in
# package-lock.json, and for the Pulumi runs the CLI and Node language host (scripts/pulumi-cli.sh).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&
ENV_PULUMI := source scripts/env.sh --pulumi &&

.PHONY: all deps build lint schema test test-unit test-e2e demo bench clean

all: build

node_modules/.installed: package.json package-lock.json
	$(ENV) npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: node_modules/.installed

# tsc, then the provider bundled into dist/provider/bundle.js (what the shim loads; see scripts/bundleProvider.mjs).
build: deps
	$(ENV) npm run --silent build

# The examples run without type-checking (their tsconfig.json says noCheck), so they are type-checked here.
lint: build
	$(ENV) npx eslint .
	$(ENV) npx tsc -p examples

# schema.json is generated from provider/schemas; test/unit/schema.test.ts fails when it is stale.
schema: build
	$(ENV) node dist/scripts/schema.js

# The test tiers, fastest first: pure logic, the client and the local workspace over loopback, then
# real `pulumi` runs. One mocha run so the summary counts every test.
test: build
	$(ENV_PULUMI) npx mocha

test-unit: build
	$(ENV) npx mocha 'dist/test/unit/**/*.test.js'

test-e2e: build
	$(ENV_PULUMI) npx mocha 'dist/test/e2e/**/*.test.js'

demo: build
	$(ENV_PULUMI) scripts/demo.sh

bench: build
	$(ENV_PULUMI) scripts/bench.sh

clean:
	rm -rf dist .tmp
