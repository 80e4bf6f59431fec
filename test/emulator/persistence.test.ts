import { expect } from "chai";
import { startWorkspace } from "../../emulator";
import {
  ApiCaller,
  SAML_PROVIDER,
  api,
  makeTempDir,
  removeTempDir,
  send,
} from "./workspaceHarness";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

describe("a workspace over a data file", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeTempDir(dir));

  it("creates the data file's folder when it does not exist yet", async () => {
    const dataFile = join(dir, "not", "yet", "ws.db");
    const workspace = await startWorkspace({ dataFile });
    try {
      const owner = new ApiCaller(workspace.url, workspace.ownerKey);
      expect((await owner.call("GET", api("/sso/claim_mappings"))).status).to.equal(200);
      expect(existsSync(dataFile)).to.equal(true);
    } finally {
      await workspace.close();
    }
  });

  it("keeps its Owner key, data, list version and issued tokens across a restart", async () => {
    const dataFile = join(dir, "ws.db");
    const first = await startWorkspace({ dataFile, testHooks: true });
    const owner = new ApiCaller(first.url, first.ownerKey);
    const ownerRoleId = await owner.roleId("Owner");
    const a = await owner.createRule("email", "a@x.io", ownerRoleId);
    const b = await owner.createRule("groups", "sre", ownerRoleId);
    await owner.call("PATCH", api(`/sso/claim_mappings/${b.id}`), { json: { rank: 1 } });
    const provider = (await owner.call("PUT", api("/sso/provider"), { json: SAML_PROVIDER })).body;
    await owner.call("PUT", api("/sso/settings"), { json: { sso_only: true } });
    await send(first.url + "/_local/roles", "POST", { json: { name: "Auditor", scope_names: [] } });
    const list = await owner.call("GET", api("/sso/claim_mappings"));
    const token = await owner.accessToken();
    await first.close();

    const second = await startWorkspace({ dataFile });
    try {
      expect(second.ownerKey).to.deep.equal(first.ownerKey);
      const again = await send(second.url + api("/sso/claim_mappings"), "GET", { bearer: token });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(list.body);
      expect(again.headers.get("etag")).to.equal(list.headers.get("etag"));
      expect((again.body as { claim_mappings: { id: string }[] }).claim_mappings.map((rule) => rule.id)).to.deep.equal([b.id, a.id]);
      const caller = new ApiCaller(second.url, second.ownerKey);
      expect((await caller.call("GET", api("/sso/provider"))).body).to.deep.equal(provider);
      expect((await caller.call("GET", api("/sso/settings"))).body).to.deep.equal({ sso_only: true });
      expect((await caller.roles()).map((role) => role.name)).to.include("Auditor");
    } finally {
      await second.close();
    }
  });

  it("starts empty, with a new Owner key, in memory by default", async () => {
    const one = await startWorkspace();
    const two = await startWorkspace();
    try {
      expect(one.ownerKey.client_id).not.to.equal(two.ownerKey.client_id);
      expect(await new ApiCaller(one.url, one.ownerKey).listRules()).to.deep.equal([]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("refuses a data file it cannot open", async () => {
    // A folder cannot be made where a file already stands.
    writeFileSync(join(dir, "a-file"), "");
    let error: unknown;
    try {
      await startWorkspace({ dataFile: join(dir, "a-file", "ws.db") });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
  });
});
