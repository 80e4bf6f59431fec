/**
 * schema.json as the Pulumi CLI reads it from the plugin, and the SDKs generated from it (sdk-gen/):
 * current, and each usable in its language — TypeScript compiles, Python byte-compiles, and Go
 * builds, with a program declaring a resource, against github.com/pulumi/pulumi/sdk/v3 at the CLI's
 * version from the Go module proxy.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/repo";

const SDK_GEN = path.join(REPO_ROOT, "sdk-gen");

/** Runs a command that must succeed; its stdout. */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 900_000 });
  if (result.error) throw result.error;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${output.slice(-4000)}`);
  return result.stdout ?? "";
}

/** Every file under a folder, by relative path, with its contents. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** `go` from PATH, or where the Go tarball installs it (as scripts/pulumi-cli.sh looks for it). */
function goCommand(): string {
  if (spawnSync("go", ["version"], { stdio: "ignore" }).status === 0) return "go";
  if (existsSync("/usr/local/go/bin/go")) return "/usr/local/go/bin/go";
  throw new Error("Go is needed to build the generated Go SDK, and 'go' is not on PATH");
}

function pulumiSdkVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
}

/** A JSON value with every object's keys in order, to compare documents whatever their key order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

const GO_PROGRAM = `package main

import (
	torq "github.com/pulumi-torq-sso/sdk-gen/go/torq"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		rules, err := torq.NewClaimMappings(ctx, "rules", &torq.ClaimMappingsArgs{
			Mappings: torq.ClaimRuleArray{
				torq.ClaimRuleArgs{ClaimName: pulumi.String("email"), ClaimValue: pulumi.String("owner@example.com"), Role: pulumi.String("Owner")},
			},
			BreakGlassOwners: pulumi.Array{pulumi.String("owner@example.com")},
		})
		if err != nil {
			return err
		}
		ctx.Export("rules", rules.Mappings)
		return nil
	})
}
`;

describe("the SDKs generated from schema.json", function () {
  this.timeout(900_000);
  let scratch: string;

  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "torq-sso-sdks-"));
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("the CLI binds the schema the plugin serves (pulumi package get-schema): schema.json's package", () => {
    const served = JSON.parse(sh("pulumi", ["package", "get-schema", path.join(REPO_ROOT, "dist", "bin", "pulumi-resource-torq")], REPO_ROOT)) as unknown;
    const checkedIn = JSON.parse(readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as unknown;
    // The CLI writes the package back out after binding it, in its own key order.
    expect(sortedKeys(served)).to.deep.equal(sortedKeys(checkedIn));
  });

  it("are what `make sdks` generates with pulumi package gen-sdk (run `make sdks` when this fails)", () => {
    const out = path.join(scratch, "generated");
    sh(path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), [out], REPO_ROOT);
    for (const language of ["nodejs", "python", "go"]) {
      const [fresh, checkedIn] = [tree(path.join(out, language)), tree(path.join(SDK_GEN, language))];
      expect([...checkedIn.keys()].sort(), `files of sdk-gen/${language}`).to.deep.equal([...fresh.keys()].sort());
      for (const [file, text] of fresh) expect(checkedIn.get(file), `sdk-gen/${language}/${file}`).to.equal(text);
    }
  });

  it("TypeScript: compiles", () => {
    sh(path.join(REPO_ROOT, "node_modules", ".bin", "tsc"), ["-p", path.join(SDK_GEN, "nodejs", "tsconfig.json"), "--noEmit"], REPO_ROOT);
  });

  it("Python: every module byte-compiles", () => {
    const modules = [...tree(path.join(SDK_GEN, "python")).keys()].filter((f) => f.endsWith(".py")).map((f) => path.join(SDK_GEN, "python", f));
    expect(modules.length).to.be.greaterThan(5);
    // The compiled files go to the scratch folder, not next to the sources.
    sh("python3", ["-m", "py_compile", ...modules], REPO_ROOT, { ...process.env, PYTHONPYCACHEPREFIX: path.join(scratch, "pycache") });
  });

  it("Go: a program declaring a ClaimMappings builds against github.com/pulumi/pulumi/sdk/v3 at the CLI's version", () => {
    const go = goCommand();
    const module = path.join(scratch, "go");
    cpSync(path.join(SDK_GEN, "go", "torq"), path.join(module, "torq"), { recursive: true });
    mkdirSync(path.join(module, "cmd", "example"), { recursive: true });
    writeFileSync(path.join(module, "cmd", "example", "main.go"), GO_PROGRAM);
    const env = { ...process.env, GOFLAGS: "-mod=mod -buildvcs=false" };
    sh(go, ["mod", "init", "github.com/pulumi-torq-sso/sdk-gen/go"], module, env);
    sh(go, ["get", `github.com/pulumi/pulumi/sdk/v3@v${pulumiSdkVersion()}`], module, env);
    sh(go, ["mod", "tidy"], module, env);
    sh(go, ["build", "./..."], module, env);
    const required = sh(go, ["list", "-m", "-f", "{{.Version}}", "github.com/pulumi/pulumi/sdk/v3"], module, env).trim();
    expect(required).to.equal(`v${pulumiSdkVersion()}`);
  });
});
