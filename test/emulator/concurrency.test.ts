import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { claimMappingSchema, type ClaimMapping } from "../../provider/schemas/api";
import { startWorkspace } from "../../emulator";
import { ApiCaller, api, expectApiError, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

function etagOf(answer: { headers: Headers }): string {
  const etag = answer.headers.get("etag");
  if (etag === null) throw new Error("no ETag");
  return etag;
}

function expectWellRanked(list: readonly ClaimMapping[]): void {
  expect(list.map((rule) => rule.rank)).to.deep.equal(list.map((_, index) => index + 1));
  expect(new Set(list.map((rule) => rule.id)).size).to.equal(list.length);
}

describe("claim-mapping versions and concurrent writers", () => {
  let ws: TestWorkspace;
  let ownerRoleId: string;
  beforeEach(async () => {
    ws = await startTestWorkspace();
    ownerRoleId = await ws.owner.roleId("Owner");
  });
  afterEach(async () => ws.stop());

  describe("ETag and If-Match", () => {
    it("serves a strong ETag that changes on every claim-mapping write, and the same one on single reads", async () => {
      const tags = [etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")))];
      const created = await ws.owner.call("POST", api("/sso/claim_mappings"), {
        json: { claim_name: "email", claim_value: "a", role_id: ownerRoleId },
      });
      tags.push(etagOf(created));
      const id = claimMappingSchema.parse(created.body).id;
      expect(etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")))).to.equal(tags[1]);
      expect(etagOf(await ws.owner.call("GET", api(`/sso/claim_mappings/${id}`)))).to.equal(tags[1]);
      tags.push(etagOf(await ws.owner.call("PATCH", api(`/sso/claim_mappings/${id}`), { json: { claim_value: "b" } })));
      tags.push(etagOf(await ws.owner.call("DELETE", api(`/sso/claim_mappings/${id}`))));
      expect(new Set(tags).size).to.equal(4);
      for (const tag of tags) expect(tag).to.match(/^"[^"]+"$/);
    });

    it("applies a write whose If-Match is current, or *", async () => {
      const tag = etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")));
      const first = await ws.owner.call("POST", api("/sso/claim_mappings"), {
        json: { claim_name: "email", claim_value: "a", role_id: ownerRoleId },
        headers: { "if-match": tag },
      });
      expect(first.status).to.equal(200);
      const id = claimMappingSchema.parse(first.body).id;
      const star = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${id}`), { json: { claim_value: "b" }, headers: { "if-match": "*" } });
      expect(star.status).to.equal(200);
    });

    it("answers 412 PRECONDITION_FAILED to POST, PATCH and DELETE with a stale If-Match, and changes nothing", async () => {
      const stale = etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")));
      const rule = await ws.owner.createRule("email", "a", ownerRoleId);
      const before = await ws.owner.listRules();
      const headers = { "if-match": stale };
      const answers = [
        await ws.owner.call("POST", api("/sso/claim_mappings"), { json: { claim_name: "email", claim_value: "b", role_id: ownerRoleId }, headers }),
        await ws.owner.call("PATCH", api(`/sso/claim_mappings/${rule.id}`), { json: { claim_value: "c" }, headers }),
        await ws.owner.call("DELETE", api(`/sso/claim_mappings/${rule.id}`), { headers }),
      ];
      for (const answer of answers) expectApiError(answer, { status: 412, code: 9, reason: "PRECONDITION_FAILED", field: "If-Match" });
      expect(await ws.owner.listRules()).to.deep.equal(before);
    });

    it("lets exactly one of two writers holding the same ETag win", async () => {
      const a = await ws.owner.createRule("email", "a", ownerRoleId);
      const b = await ws.owner.createRule("email", "b", ownerRoleId);
      const tag = etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")));
      const [one, two] = await Promise.all([
        ws.owner.call("PATCH", api(`/sso/claim_mappings/${a.id}`), { json: { rank: 2 }, headers: { "if-match": tag } }),
        ws.owner.call("PATCH", api(`/sso/claim_mappings/${b.id}`), { json: { claim_value: "B" }, headers: { "if-match": tag } }),
      ]);
      expect([one!.status, two!.status].sort()).to.deep.equal([200, 412]);
    });
  });

  describe("Idempotency-Key", () => {
    const body = (value: string, roleId: string) => ({ claim_name: "email", claim_value: value, role_id: roleId });

    it("answers a retried create with the first result and creates one rule", async () => {
      const headers = { "idempotency-key": "create-a-1" };
      const first = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      const retry = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      expect(first.status).to.equal(200);
      expect(retry.status).to.equal(200);
      expect(retry.body).to.deep.equal(first.body);
      expect(retry.headers.get("idempotent-replayed")).to.equal("true");
      expect(await ws.owner.listRules()).to.have.length(1);
    });

    it("replays even when the retry carries the If-Match the first create made stale", async () => {
      const tag = etagOf(await ws.owner.call("GET", api("/sso/claim_mappings")));
      const headers = { "idempotency-key": "k", "if-match": tag };
      const first = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      const retry = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      expect(retry.status).to.equal(200);
      expect(retry.body).to.deep.equal(first.body);
    });

    it("answers 409 naming Idempotency-Key when the key comes back with another body", async () => {
      const headers = { "idempotency-key": "k" };
      await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      const other = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("b", ownerRoleId), headers });
      expectApiError(other, { status: 409, code: 6, reason: "CONFLICT", field: "Idempotency-Key" });
      expect(await ws.owner.listRules()).to.have.length(1);
    });

    it("scopes keys per API key", async () => {
      const hook = await fetch(ws.workspace.url + "/_local/api_keys", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: "Owner" }),
      });
      const other = new ApiCaller(ws.workspace.url, (await hook.json()) as { client_id: string; client_secret: string });
      const headers = { "idempotency-key": "shared" };
      const mine = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      const theirs = await other.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      expect(claimMappingSchema.parse(theirs.body).id).not.to.equal(claimMappingSchema.parse(mine.body).id);
      expect(await ws.owner.listRules()).to.have.length(2);
    });

    it("keeps the first result across a restart", async () => {
      const headers = { "idempotency-key": "survives" };
      const first = await ws.owner.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
      await ws.workspace.close();
      const again = await startWorkspace({ dataFile: ws.dataFile, rateLimitPerSecond: null });
      try {
        const caller = new ApiCaller(again.url, again.ownerKey);
        const retry = await caller.call("POST", api("/sso/claim_mappings"), { json: body("a", ownerRoleId), headers });
        expect(retry.body).to.deep.equal(first.body);
        expect(await caller.listRules()).to.have.length(1);
      } finally {
        await again.close();
      }
    });

    it("answers 400 naming Idempotency-Key for an over-long key", async () => {
      const answer = await ws.owner.call("POST", api("/sso/claim_mappings"), {
        json: body("a", ownerRoleId),
        headers: { "idempotency-key": "k".repeat(256) },
      });
      expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "Idempotency-Key" });
    });
  });

  describe("concurrent writers lose no update", () => {
    it("keeps all of 60 parallel creates, ranked 1..60", async () => {
      const values = Array.from({ length: 60 }, (_, i) => `user${i}@x.io`);
      const answers = await Promise.all(
        values.map((value) => ws.owner.call("POST", api("/sso/claim_mappings"), { json: { claim_name: "email", claim_value: value, role_id: ownerRoleId } })),
      );
      expect(answers.map((answer) => answer.status)).to.deep.equal(values.map(() => 200));
      const list = await ws.owner.listRules();
      expectWellRanked(list);
      expect(list.map((rule) => rule.claim_value).sort()).to.deep.equal([...values].sort());
    });

    it("keeps the list a permutation under 80 parallel rank moves and edits", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await ws.owner.createRule("email", `u${i}`, ownerRoleId)).id);
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          ws.owner.call("PATCH", api(`/sso/claim_mappings/${ids[i % 20]}`), {
            json: i % 2 === 0 ? { rank: ((i * 7) % 20) + 1 } : { claim_value: `edited${i % 20}` },
          }),
        ),
      );
      expect(answers.every((answer) => answer.status === 200)).to.equal(true);
      const list = await ws.owner.listRules();
      expectWellRanked(list);
      expect(list.map((rule) => rule.id).sort()).to.deep.equal([...ids].sort());
      for (let i = 1; i < 20; i += 2) expect(list.find((rule) => rule.id === ids[i])!.claim_value).to.equal(`edited${i}`);
    });

    it("keeps every create of two servers in two processes writing one SQLite file", async () => {
      const child = await startWorkspaceProcess(ws.dataFile);
      try {
        const other = new ApiCaller(child.url, child.ownerKey);
        expect(child.ownerKey).to.deep.equal(ws.workspace.ownerKey);
        const jobs: Promise<number>[] = [];
        for (let i = 0; i < 40; i++) {
          const caller = i % 2 === 0 ? ws.owner : other;
          jobs.push(
            caller
              .call("POST", api("/sso/claim_mappings"), { json: { claim_name: "email", claim_value: `p${i}`, role_id: ownerRoleId } })
              .then((answer) => answer.status),
          );
        }
        expect(await Promise.all(jobs)).to.deep.equal(jobs.map(() => 200));
        const mine = await ws.owner.listRules();
        expectWellRanked(mine);
        expect(mine).to.have.length(40);
        expect(await other.listRules()).to.deep.equal(mine);
      } finally {
        child.process.kill("SIGTERM");
        await once(child.process, "exit");
      }
    });
  });
});

/** A second workspace in its own Node process, over the same data file. */
async function startWorkspaceProcess(
  dataFile: string,
): Promise<{ process: ChildProcess; url: string; ownerKey: { client_id: string; client_secret: string } }> {
  const emulator = JSON.stringify(join(__dirname, "..", "..", "emulator"));
  const script = `
    require(${emulator}).startWorkspace({ dataFile: ${JSON.stringify(dataFile)}, rateLimitPerSecond: null }).then((w) => {
      console.log(JSON.stringify({ url: w.url, ownerKey: w.ownerKey }));
      process.on("SIGTERM", () => w.close().then(() => process.exit(0)));
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  const started = JSON.parse(line) as { url: string; ownerKey: { client_id: string; client_secret: string } };
  return { process: child, ...started };
}
