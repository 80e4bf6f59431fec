import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { TorqMaybeCommittedError } from "../../provider/client/errors";
import { TorqNetworkError } from "../../provider/client/errors";
import { applyClaimMappings } from "../../provider/resources/applyClaimMappings";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import { expectRejection, LocalWorkspace, routes } from "./localWorkspace";

const DESIRED: ClaimRule[] = [
  { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
  { claimName: "groups", claimValue: "sre", role: "Operator" },
  { claimName: "groups", claimValue: "everyone", role: "Viewer" },
];

async function ownerRoleId(client: TorqClient): Promise<string> {
  return (await client.listRoles()).find((role) => role.name === "Owner")!.id;
}

/** The live list as `claim=value>Role` lines. */
async function liveRules(client: TorqClient): Promise<string[]> {
  const names = new Map((await client.listRoles()).map((role) => [role.id, role.name]));
  return (await client.listClaimMappings()).items.map((rule) => `${rule.claim_name}=${rule.claim_value}>${names.get(rule.role_id)}`);
}

const asLines = (rules: readonly ClaimRule[]) => rules.map((rule) => `${rule.claimName}=${rule.claimValue}>${rule.role}`);

describe("client: creates whose answer was lost", () => {
  let ws: LocalWorkspace;
  afterEach(async () => ws.close());

  describe("with an Idempotency-Key (the [local] extension)", () => {
    beforeEach(async () => {
      ws = await LocalWorkspace.start();
    });

    it("retries a create dropped after it committed, and exactly one rule exists", async () => {
      const client = ws.client();
      const roleId = await ownerRoleId(client);
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "after" });

      const created = await client.createClaimMapping(
        { claim_name: "email", claim_value: "owner@example.com", role_id: roleId },
        { idempotencyKey: TorqClient.newIdempotencyKey() },
      );

      const list = await client.listClaimMappings();
      expect(list.items).to.deep.equal([created.data]);
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0, 200]);
    });

    it("lets applyClaimMappings create each rule once even when every create's answer is lost", async () => {
      const client = ws.client();
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "after", times: 3 });

      const applied = await applyClaimMappings(client, { mappings: DESIRED }, "create");

      expect(applied.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role }))).to.deep.equal(DESIRED);
      expect(await liveRules(client)).to.deep.equal(asLines(DESIRED));
      // The three lost answers all belong to the first create (it commits once, then its key replays
      // the result); the other two go through at once.
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0, 0, 0, 200, 200, 200]);
    });
  });

  describe("without an Idempotency-Key (a --torq-compatible workspace)", () => {
    beforeEach(async () => {
      ws = await LocalWorkspace.start({ torqCompatible: true });
    });

    it("raises TorqMaybeCommittedError for a create dropped after it committed, and never sends it again", async () => {
      const client = ws.client();
      const roleId = await ownerRoleId(client);
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "after" });

      const err = await expectRejection(client.createClaimMapping({ claim_name: "email", claim_value: "owner@example.com", role_id: roleId }), TorqMaybeCommittedError);

      expect(err).to.be.instanceOf(TorqNetworkError);
      expect(err.code).to.equal("NETWORK");
      expect(err.message).to.equal(
        `POST ${ws.url}${routes.claimMappings}: the connection failed before an answer arrived (ECONNRESET); the request may or may not have been applied`,
      );
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0]);
      // It did commit: the caller has to find it by listing.
      expect((await client.listClaimMappings()).items.map((rule) => rule.claim_value)).to.deep.equal(["owner@example.com"]);
    });

    it("raises TorqMaybeCommittedError for a create dropped before it was served, too: the client cannot tell", async () => {
      const client = ws.client();
      const roleId = await ownerRoleId(client);
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "before" });
      await expectRejection(client.createClaimMapping({ claim_name: "email", claim_value: "owner@example.com", role_id: roleId }), TorqMaybeCommittedError);
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0]);
      expect((await client.listClaimMappings()).items).to.deep.equal([]);
    });

    it("lets applyClaimMappings resolve lost creates by listing: the desired list, no duplicate, one POST per new rule", async () => {
      const client = ws.client();
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "after", times: 3 });

      const applied = await applyClaimMappings(client, { mappings: DESIRED }, "create");

      expect(applied.map(({ claimName, claimValue, role }) => ({ claimName, claimValue, role }))).to.deep.equal(DESIRED);
      expect(await liveRules(client)).to.deep.equal(asLines(DESIRED));
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0, 0, 0]);
    });

    it("lets applyClaimMappings send a create again only after listing showed it did not commit", async () => {
      const client = ws.client();
      await ws.addFault({ method: "POST", path: routes.claimMappings, drop: "before" });

      await applyClaimMappings(client, { mappings: DESIRED }, "create");

      expect(await liveRules(client)).to.deep.equal(asLines(DESIRED));
      expect((await ws.requestsTo("POST", routes.claimMappings)).map((entry) => entry.status)).to.deep.equal([0, 200, 200, 200]);
    });
  });
});
