import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../support/repo";

const CLI_ENTRY = path.join(REPO_ROOT, "dist", "cli", "index.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `torq-sso evaluate` as a user would, without a shell. */
function evaluate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_ENTRY, "evaluate", ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("torq-sso evaluate", () => {
  let dir: string;
  const file = (name: string, content: unknown): string => {
    const p = path.join(dir, name);
    writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
    return p;
  };
  const RULES = [
    { claimName: "email", claimValue: "a@x.io", role: "Owner" },
    { claimName: "groups", claimValue: "sre", role: "Operator" },
    { claimName: "groups", claimValue: "dev", role: "Viewer" },
  ];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "torq-evaluate-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints its usage and options on stdout with --help, exit 0", async () => {
    const run = await evaluate("--help");
    expect(run.code).to.equal(0);
    expect(run.stdout.split("\n")[0]).to.equal("usage: torq-sso evaluate --mappings FILE --claims JSON [--json]");
    for (const option of ["--mappings FILE", "--claims JSON", "--json"]) expect(run.stdout).to.contain(option);
    expect(run.stderr).to.equal("");
  });

  it("names the role and the deciding rule", async () => {
    const mappings = file("array.json", RULES);
    expect(await evaluate("--mappings", mappings, "--claims", '{"email":"a@x.io","groups":["sre"]}')).to.deep.equal({
      code: 0,
      stdout: "Owner (rule 1: email = a@x.io)\n",
      stderr: "",
    });
  });

  it("reads a { mappings: [...] } file and matches any element of a list-valued claim", async () => {
    const mappings = file("wrapped.json", { mappings: RULES, allowLockout: false });
    const run = await evaluate(`--mappings=${mappings}`, "--claims", '{"email":"b@x.io","groups":["web","dev"]}');
    expect(run).to.deep.equal({ code: 0, stdout: "Viewer (rule 3: groups = dev)\n", stderr: "" });
  });

  it("says when no rule matches", async () => {
    const mappings = file("nomatch.json", RULES);
    expect(await evaluate("--mappings", mappings, "--claims", '{"email":"A@x.io"}')).to.deep.equal({
      code: 0,
      stdout: "no rule matches\n",
      stderr: "",
    });
  });

  it("prints role, 0-based ruleIndex and the rule with --json", async () => {
    const mappings = file("json.json", RULES);
    const matched = await evaluate("--mappings", mappings, "--claims", '{"groups":["dev","sre"]}', "--json");
    expect(matched.code).to.equal(0);
    expect(JSON.parse(matched.stdout)).to.deep.equal({ role: "Operator", ruleIndex: 1, rule: RULES[1] });
    const unmatched = await evaluate("--mappings", mappings, "--claims", "{}", "--json");
    expect(unmatched.stdout).to.equal('{"role":null,"ruleIndex":null,"rule":null}\n');
  });

  const refusals: { name: string; args: () => string[]; message: string | (() => string) }[] = [
    {
      name: "a rule with a missing and a mistyped field",
      args: () => [
        "--mappings",
        file("bad.json", { mappings: [RULES[0], { claimName: "groups", claimValue: "x" }, { claimName: "groups", claimValue: "y", role: 3 }] }),
        "--claims",
        "{}",
      ],
      message: "mappings[1].role: expected string (missing); mappings[2].role: expected string, got number",
    },
    {
      name: "a file that is neither a list nor has mappings",
      args: () => ["--mappings", file("other.json", { rules: [] }), "--claims", "{}"],
      message: () => `--mappings ${path.join(dir, "other.json")}: expected an array of { claimName, claimValue, role } or { "mappings": [...] }`,
    },
    {
      name: "a file that is not JSON",
      args: () => ["--mappings", file("broken.json", "[{"), "--claims", "{}"],
      message: () => `--mappings ${path.join(dir, "broken.json")} is not valid JSON (Expected property name or '}' in JSON at position 2 (line 1 column 3))`,
    },
    {
      name: "a missing file",
      args: () => ["--mappings", path.join(dir, "absent.json"), "--claims", "{}"],
      message: () => `cannot read --mappings ${path.join(dir, "absent.json")}: no such file`,
    },
    {
      name: "a claim list with a number in it",
      args: () => ["--mappings", file("ok.json", RULES), "--claims", '{"groups":["sre",7]}'],
      message: "claims.groups[1]: expected string, got number",
    },
    {
      name: "claims that are not an object",
      args: () => ["--mappings", file("ok2.json", RULES), "--claims", '["a@x.io"]'],
      message: "claims: expected object, got array",
    },
    {
      name: "no --claims",
      args: () => ["--mappings", file("ok3.json", RULES)],
      message: `evaluate needs --claims JSON, e.g. --claims '{"email":"a@x.io","groups":["sre"]}'`,
    },
    { name: "an unknown option", args: () => ["--rules", "x"], message: "unknown option --rules" },
  ];
  for (const { name, args, message } of refusals) {
    it(`refuses ${name} in one line, exit code 2`, async () => {
      const expected = typeof message === "string" ? message : message();
      expect(await evaluate(...args())).to.deep.equal({ code: 2, stdout: "", stderr: `torq-sso: ${expected}\n` });
    });
  }
});
