/**
 * The ClaimMappings resource's check and diff, called as the dynamic-provider host calls them, against
 * a real local workspace over loopback: what they refuse and why, what they tell the user, and how
 * many requests a preview costs.
 */
import { expect } from "chai";
import { configureProvider } from "../../../provider";
import { claimMappingsProvider } from "../../../provider/resources/claimMappings";
import type { ClaimRule } from "../../../provider/schemas/claimMappings";
import { LocalWorkspace } from "../../client/localWorkspace";

const OWNER: ClaimRule = { claimName: "email", claimValue: "owner@example.com", role: "Owner" };
const group = (name: string, role = "Viewer"): ClaimRule => ({ claimName: "groups", claimValue: name, role });

/** What the provider reported to stderr (outside a provider host, its diagnostics go there) while `fn` ran. */
async function reported<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let lines = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await fn(), lines };
  } finally {
    process.stderr.write = original;
  }
}

describe("ClaimMappings check and diff against a local workspace", () => {
  let ws: LocalWorkspace;

  beforeEach(async () => {
    ws = await LocalWorkspace.start();
    const config = new Map([
      ["torq:apiUrl", ws.url],
      ["torq:clientId", ws.ownerKey.client_id],
      ["torq:clientSecret", ws.ownerKey.client_secret],
    ]);
    configureProvider({ get: (key) => config.get(key) });
  });
  afterEach(async () => ws.close());

  async function seed(rules: readonly ClaimRule[]): Promise<{ id: string; rank: number }[]> {
    const client = ws.client();
    const roles = new Map((await client.listRoles()).map((r) => [r.name, r.id]));
    const made: { id: string; rank: number }[] = [];
    for (const rule of rules) {
      const created = await client.createClaimMapping({ claim_name: rule.claimName, claim_value: rule.claimValue, role_id: roles.get(rule.role)! });
      made.push({ id: created.data.id, rank: created.data.rank });
    }
    return made;
  }

  describe("check", () => {
    it("refuses, as one failure saying lockout, an owner rule below a group rule that gives another role", async () => {
      const { failures } = await claimMappingsProvider.check({}, { mappings: [group("everyone"), OWNER] });
      expect(failures).to.have.length(1);
      expect(failures[0]!.property).to.equal("");
      expect(failures[0]!.reason).to.match(/^lockout guard: refusing this claim-mapping list/);
      expect(failures[0]!.reason).to.include("rule 2 (email = owner@example.com → Owner) is shadowed by rule 1 (groups = everyone → Viewer), which could match an owner's groups");
    });

    it("names each field's problem, and every unknown role with the roles the workspace has", async () => {
      const { failures } = await claimMappingsProvider.check({}, { mappings: [OWNER, group(" sre"), group("ops", "Admin"), group("ops")] });
      expect(failures.map((f) => f.reason)).to.deep.equal([
        "mappings[1].claimValue: has leading or trailing whitespace, which never matches what an IdP sends",
        "mappings[3]: duplicates mappings[2] (groups = ops); rules are evaluated top-down, so this one can never match",
        'mappings[2].role: the workspace has no role "Admin" (it has: Owner, Contributor, Creator, Operator, Viewer, Interact Only)',
      ]);
    });

    it("warns, without failing, about an e-mail value with upper-case letters", async () => {
      const { result, lines } = await reported(() => claimMappingsProvider.check({}, { mappings: [OWNER, { claimName: "email", claimValue: "Dev@example.com", role: "Viewer" }] }));
      expect(result.failures).to.deep.equal([]);
      expect(lines).to.include('warning: ClaimMappings mappings[1].claimValue: "Dev@example.com" has upper-case letters');
    });

    it("refuses to create the resource over other rules, showing what it would change, unless overwriteExisting", async () => {
      await seed([OWNER, group("sre", "Operator")]);
      const refused = await claimMappingsProvider.check({}, { mappings: [OWNER, group("web")] });
      expect(refused.failures.map((f) => f.reason.split("\n").slice(0, 3))).to.deep.equal([
        [
          "refusing to take over the workspace's 2 existing claim-mapping rule(s): this new ClaimMappings would change them as follows:",
          "  ~ 2. groups = sre: value sre → web, role Operator → Viewer",
          "  1 API call(s); lockout guard: passed; owners can sign in at every step",
        ],
      ]);
      const { result, lines } = await reported(() => claimMappingsProvider.check({}, { mappings: [OWNER, group("web")], overwriteExisting: true }));
      expect(result.failures).to.deep.equal([]);
      expect(lines).to.include("~ 2. groups = sre: value sre → web, role Operator → Viewer");
    });

    it("adopts a workspace that already holds the declared list without a word", async () => {
      await seed([OWNER, group("sre", "Operator")]);
      const { result, lines } = await reported(() => claimMappingsProvider.check({}, { mappings: [OWNER, group("sre", "Operator")] }));
      expect(result.failures).to.deep.equal([]);
      expect(lines).to.equal("");
    });
  });

  describe("diff", () => {
    it("finds nothing to change when the workspace holds the recorded, declared list, in one read shared with check", async () => {
      const ids = await seed([OWNER, group("sre", "Operator")]);
      const olds = { mappings: [OWNER, group("sre", "Operator")].map((r, i) => ({ ...r, ...ids[i]! })), allowLockout: false };
      const news = { mappings: [OWNER, group("sre", "Operator")], allowLockout: false };
      await ws.resetLog();
      const { result, lines } = await reported(async () => {
        await claimMappingsProvider.check({ mappings: news.mappings }, news);
        return claimMappingsProvider.diff("claim-mappings", olds, news);
      });
      expect(result).to.deep.equal({ changes: false });
      expect(lines).to.equal("");
      expect(await ws.requestLines(), "1 token + 1 roles + 1 list page, nothing else").to.have.members([
        "POST /v1/auth/token 200",
        "GET /public/v1alpha/roles 200",
        "GET /public/v1alpha/sso/claim_mappings 200",
      ]);
    });

    it("reports a reorder as one move with its verdict", async () => {
      const ids = await seed([OWNER, group("a"), group("b")]);
      const olds = { mappings: [OWNER, group("a"), group("b")].map((r, i) => ({ ...r, ...ids[i]! })), allowLockout: false };
      const { result, lines } = await reported(() => claimMappingsProvider.diff("claim-mappings", olds, { mappings: [OWNER, group("b"), group("a")], allowLockout: false }));
      expect(result).to.deep.equal({ changes: true });
      expect(lines).to.equal(
        ["ClaimMappings plan:", "  ↕ groups = b: 3 → 2", "  1 API call(s); lockout guard: passed; owners can sign in at every step", ""].join("\n"),
      );
    });

    it("says once, without calling it drift, that an interrupted run left the record behind, and asks for an update that sends nothing", async () => {
      const ids = await seed([OWNER, group("b"), group("a")]);
      // The stack recorded the list before the run; the workspace already holds the declared one.
      const olds = { mappings: [OWNER, group("a"), group("b")].map((r, i) => ({ ...r, ...ids[i === 0 ? 0 : 3 - i]! })), allowLockout: false };
      const { result, lines } = await reported(() => claimMappingsProvider.diff("claim-mappings", olds, { mappings: [OWNER, group("b"), group("a")], allowLockout: false }));
      expect(result).to.deep.equal({ changes: true });
      expect(lines).to.include("the workspace already holds the declared list");
      expect(lines).to.not.include("drift");
    });
  });
});
