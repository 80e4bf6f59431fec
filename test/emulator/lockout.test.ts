import { expect } from "chai";
import { ssoSettingsSchema } from "../../provider/schemas/api";
import { SAML_PROVIDER, api, expectApiError, startTestWorkspace, type TestWorkspace } from "./workspaceHarness";

const LOCKOUT = { status: 409, code: 9, reason: "LOCKOUT_PREVENTED" } as const;

describe("the workspace's lockout guard (LOCKOUT_PREVENTED)", () => {
  let ws: TestWorkspace;
  let ownerRoleId: string;
  let viewerRoleId: string;
  beforeEach(async () => {
    ws = await startTestWorkspace();
    ownerRoleId = await ws.owner.roleId("Owner");
    viewerRoleId = await ws.owner.roleId("Viewer");
  });
  afterEach(async () => ws.stop());

  async function putProvider(enabled = true, query = ""): Promise<number> {
    return (await ws.owner.call("PUT", api(`/sso/provider${query}`), { json: { ...SAML_PROVIDER, enabled } })).status;
  }

  describe("claim-mapping writes while an SSO provider exists", () => {
    beforeEach(async () => {
      expect(await putProvider()).to.equal(200);
    });

    it("refuses deleting the only owner e-mail mapping, naming it, and allow_lockout=true lets it through", async () => {
      const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      const refused = await ws.owner.call("DELETE", api(`/sso/claim_mappings/${owner.id}`));
      const message = expectApiError(refused, LOCKOUT);
      expect(message).to.contain("lockout").and.to.contain(owner.id).and.to.contain("allow_lockout=true");
      expect(await ws.owner.listRules()).to.deep.equal([owner]);
      const allowed = await ws.owner.call("DELETE", api(`/sso/claim_mappings/${owner.id}?allow_lockout=true`));
      expect(allowed.status).to.equal(200);
      expect(await ws.owner.listRules()).to.deep.equal([]);
    });

    it("refuses giving the only owner e-mail mapping another role, or another claim name", async () => {
      const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      for (const json of [{ role_id: viewerRoleId }, { claim_name: "upn" }]) {
        expectApiError(await ws.owner.call("PATCH", api(`/sso/claim_mappings/${owner.id}`), { json }), LOCKOUT);
      }
      expect(await ws.owner.listRules()).to.deep.equal([owner]);
    });

    it("refuses moving a rule above the owner e-mail mapping that shadows it", async () => {
      const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      const shadow = await ws.owner.createRule("email", "boss@x.io", viewerRoleId);
      expectApiError(await ws.owner.call("PATCH", api(`/sso/claim_mappings/${shadow.id}`), { json: { rank: 1 } }), LOCKOUT);
      expect(await ws.owner.listRules()).to.deep.equal([owner, shadow]);
      const allowed = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${shadow.id}?allow_lockout=true`), { json: { rank: 1 } });
      expect(allowed.status).to.equal(200);
    });

    it("allows removing one owner e-mail mapping while another stays reachable", async () => {
      const first = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
      await ws.owner.createRule("email", "b@x.io", ownerRoleId);
      expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${first.id}`))).status).to.equal(200);
    });

    describe("shadowing by a rule on another claim (an owner's groups are unknown)", () => {
      it("refuses moving a group rule that gives another role above the only owner e-mail rule", async () => {
        const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        const everyone = await ws.owner.createRule("groups", "everyone", viewerRoleId);
        const refused = await ws.owner.call("PATCH", api(`/sso/claim_mappings/${everyone.id}`), { json: { rank: 1 } });
        expect(expectApiError(refused, LOCKOUT)).to.contain(owner.id);
        expect(await ws.owner.listRules()).to.deep.equal([owner, everyone]);
      });

      it("refuses turning an Owner-giving group rule above the only owner e-mail rule into another role", async () => {
        const admins = await ws.owner.createRule("groups", "admins", ownerRoleId);
        const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        expectApiError(await ws.owner.call("PATCH", api(`/sso/claim_mappings/${admins.id}`), { json: { role_id: viewerRoleId } }), LOCKOUT);
        expect(await ws.owner.listRules()).to.deep.equal([admins, owner]);
      });

      it("refuses deleting the owner e-mail rule above a group rule when the one left below it is shadowed", async () => {
        const first = await ws.owner.createRule("email", "a@x.io", ownerRoleId);
        await ws.owner.createRule("groups", "everyone", viewerRoleId);
        await ws.owner.createRule("email", "b@x.io", ownerRoleId);
        expectApiError(await ws.owner.call("DELETE", api(`/sso/claim_mappings/${first.id}`)), LOCKOUT);
      });

      it("allows a group rule that gives Owner above the owner e-mail rule", async () => {
        await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        const admins = await ws.owner.createRule("groups", "admins", ownerRoleId);
        expect((await ws.owner.call("PATCH", api(`/sso/claim_mappings/${admins.id}`), { json: { rank: 1 } })).status).to.equal(200);
      });

      it("allows a group rule that gives another role above one owner e-mail rule while another stays above it", async () => {
        await ws.owner.createRule("email", "a@x.io", ownerRoleId);
        await ws.owner.createRule("email", "b@x.io", ownerRoleId);
        const everyone = await ws.owner.createRule("groups", "everyone", viewerRoleId);
        expect((await ws.owner.call("PATCH", api(`/sso/claim_mappings/${everyone.id}`), { json: { rank: 2 } })).status).to.equal(200);
      });

      it("allows an e-mail rule for another address above the owner e-mail rule (the owner's e-mail is known)", async () => {
        await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        const other = await ws.owner.createRule("email", "someone@x.io", viewerRoleId);
        expect((await ws.owner.call("PATCH", api(`/sso/claim_mappings/${other.id}`), { json: { rank: 1 } })).status).to.equal(200);
      });

      it("lets the later of two owner e-mail rules for one address take over when the first is deleted", async () => {
        const first = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${first.id}`))).status).to.equal(200);
      });
    });

    it("does not refuse writes to a list that had no reachable owner e-mail mapping", async () => {
      const group = await ws.owner.createRule("groups", "admins", ownerRoleId);
      expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${group.id}`))).status).to.equal(200);
    });

    it("answers 400 naming allow_lockout for a value other than true or false", async () => {
      const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      const answer = await ws.owner.call("DELETE", api(`/sso/claim_mappings/${owner.id}?allow_lockout=yes`));
      expectApiError(answer, { status: 400, code: 3, reason: "INVALID_ARGUMENT", field: "allow_lockout" });
    });
  });

  it("lets any claim-mapping write through when no SSO provider exists", async () => {
    const owner = await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
    expect((await ws.owner.call("DELETE", api(`/sso/claim_mappings/${owner.id}`))).status).to.equal(200);
  });

  describe("sso_only", () => {
    async function putSsoOnly(query = ""): Promise<ReturnType<typeof ws.owner.call>> {
      return ws.owner.call("PUT", api(`/sso/settings${query}`), { json: { sso_only: true } });
    }

    it("is refused without a provider", async () => {
      await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      expectApiError(await putSsoOnly(), LOCKOUT);
    });

    it("is refused with a disabled provider", async () => {
      await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      expect(await putProvider(false)).to.equal(200);
      expectApiError(await putSsoOnly(), LOCKOUT);
    });

    it("is refused without a reachable owner e-mail mapping", async () => {
      expect(await putProvider()).to.equal(200);
      await ws.owner.createRule("email", "boss@x.io", viewerRoleId);
      await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      expectApiError(await putSsoOnly(), LOCKOUT);
    });

    it("is refused when a group rule that gives another role is above the only owner e-mail rule, and accepted when it gives Owner", async () => {
      expect(await putProvider()).to.equal(200);
      const group = await ws.owner.createRule("groups", "everyone", viewerRoleId);
      await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      const message = expectApiError(await putSsoOnly(), LOCKOUT);
      expect(message).to.contain("lockout").and.to.contain("reachable owner e-mail mapping");
      expect((await ws.owner.call("PATCH", api(`/sso/claim_mappings/${group.id}?allow_lockout=true`), { json: { role_id: ownerRoleId } })).status).to.equal(200);
      expect((await putSsoOnly()).status).to.equal(200);
    });

    it("is accepted with an enabled provider and a reachable owner e-mail mapping; allow_lockout=true overrides", async () => {
      expect((await putSsoOnly("?allow_lockout=true")).status).to.equal(200);
      expect(ssoSettingsSchema.parse((await ws.owner.call("GET", api("/sso/settings"))).body)).to.deep.equal({ sso_only: true });
      await ws.owner.call("PUT", api("/sso/settings"), { json: { sso_only: false } });
      expect(await putProvider()).to.equal(200);
      await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
      const answer = await putSsoOnly();
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ sso_only: true });
    });

    describe("while on", () => {
      beforeEach(async () => {
        expect(await putProvider()).to.equal(200);
        await ws.owner.createRule("email", "boss@x.io", ownerRoleId);
        expect((await putSsoOnly()).status).to.equal(200);
      });

      it("refuses deleting the provider unless allow_lockout=true", async () => {
        expectApiError(await ws.owner.call("DELETE", api("/sso/provider")), LOCKOUT);
        expect((await ws.owner.call("GET", api("/sso/provider"))).status).to.equal(200);
        expect((await ws.owner.call("DELETE", api("/sso/provider?allow_lockout=true"))).status).to.equal(200);
        expect((await ws.owner.call("GET", api("/sso/provider"))).status).to.equal(404);
      });

      it("refuses disabling the provider unless allow_lockout=true", async () => {
        expectApiError(await ws.owner.call("PUT", api("/sso/provider"), { json: { ...SAML_PROVIDER, enabled: false } }), LOCKOUT);
        expect(await putProvider(false, "?allow_lockout=true")).to.equal(200);
      });

      it("still allows turning sso_only off", async () => {
        const answer = await ws.owner.call("PUT", api("/sso/settings"), { json: { sso_only: false } });
        expect(answer.status).to.equal(200);
        expect(answer.body).to.deep.equal({ sso_only: false });
      });
    });
  });
});
