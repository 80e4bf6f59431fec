import { expect } from "chai";
import { runCli, type CliResult } from "../support/cli";
import { RULES, startLoginFixture, type LoginFixture } from "./loginFixture";

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { ...process.env, TORQ_API_URL: "" } });
}

describe("torq-sso test-login", function () {
  this.timeout(30_000);
  let fx: LoginFixture;

  before(async () => {
    fx = await startLoginFixture();
    await fx.setRules(RULES);
    await fx.useOidc();
  });
  after(() => fx?.close());

  it("prints its usage and options on stdout with --help, exit 0, without signing in", async () => {
    const run = await cli(["test-login", "--help"]);
    expect(run).to.deep.include({ code: 0, stderr: "" });
    expect(run.stdout.split("\n")[0]).to.equal("usage: torq-sso test-login --user NAME [--workspace URL] [--login-hint EMAIL] [--expect-role ROLE] [--json]");
    for (const option of ["--user NAME", "--workspace URL", "--login-hint EMAIL", "--expect-role ROLE", "--json"]) expect(run.stdout).to.contain(option);
  });

  it("signs a named test user in and prints the role and the rule that gave it", async () => {
    const run = await cli(["test-login", "--workspace", fx.workspace.url, "--user", "dev"]);
    expect(run).to.deep.include({ code: 0, stderr: "" });
    expect(run.stdout).to.equal("dev (dev@example.com) signed in over OIDC as Operator, by rule 3: groups = engineering\n");
  });

  it("prints one JSON line with --json", async () => {
    const run = await cli(["test-login", "--workspace", fx.workspace.url, "--user", "owner", "--json"]);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.include({ user: "owner", granted: true, email: "owner@example.com", role: "Owner", rule: { rank: 1, claimName: "email", claimValue: "owner@example.com" } });
  });

  it("exits 1 with the workspace's reason when the sign-in is refused or the role is not the expected one", async () => {
    const refused = await cli(["test-login", "--workspace", fx.workspace.url, "--user", "contractor"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/^torq-sso: sign-in of contractor refused \(NO_MATCHING_RULE\): no claim-mapping rule matches contractor@example\.com/);
    const unexpected = await cli(["test-login", "--workspace", fx.workspace.url, "--user", "viewer", "--expect-role", "Owner"]);
    expect(unexpected.code).to.equal(1);
    expect(unexpected.stderr).to.equal("torq-sso: viewer got role Viewer, not the expected Owner\n");
  });

  it("names the test users the IdP offers when the user is unknown, and exits 2 on bad usage", async () => {
    const unknown = await cli(["test-login", "--workspace", fx.workspace.url, "--user", "mallory"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/the IdP has no test user "mallory" \(it offers: owner, admin, dev, sre, viewer, contractor\)/);
    const usage = await cli(["test-login", "--workspace", fx.workspace.url]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/^torq-sso: test-login needs --user NAME/);
  });
});
