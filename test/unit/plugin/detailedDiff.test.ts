import { expect } from "chai";
import { PRESET_ROLES } from "../../../emulator";
import type { ClaimMappingsDiff } from "../../../provider/resources/claimMappings";
import { planClaimMappings } from "../../../provider/resources/claimMappingsPlan";
import { planSsoProvider } from "../../../provider/resources/ssoProviderPlan";
import { roleDirectory, type WorkspaceView } from "../../../provider/resources/workspaceView";
import type { ClaimRule, LiveRule } from "../../../provider/rules/rule";
import type { SsoProviderRecord } from "../../../provider/schemas/api";
import type { SsoProviderInputs } from "../../../provider/schemas/ssoProvider";
import { claimMappingsDetailedDiff, ssoEnforcementDetailedDiff, ssoProviderDetailedDiff } from "../../../plugin/detailedDiff";

const rule = (claimName: string, claimValue: string, role: string): ClaimRule => ({ claimName, claimValue, role });
const OWNER = rule("email", "owner@example.com", "Owner");
const SRE = rule("groups", "sre", "Operator");
const ALL = rule("groups", "everyone", "Viewer");

const withIds = (rules: readonly ClaimRule[]): LiveRule[] => rules.map((r, i) => ({ ...r, id: `id-${r.claimValue}-${i}` }));

function view(live: readonly LiveRule[]): WorkspaceView {
  return { roles: roleDirectory(PRESET_ROLES), live: [...live], etag: undefined, ssoProviderExists: async () => true };
}

/** The detailed diff of declaring `declared` over a workspace holding `live`, the stack having recorded `recorded` (declared as `declaredBefore`). */
async function rulesDiff(options: { live: LiveRule[]; recorded: LiveRule[]; declaredBefore: ClaimRule[]; declared: ClaimRule[]; settingsChanged?: string[] }) {
  const { report } = await planClaimMappings(view(options.live), { mappings: options.declared }, options.recorded);
  const diff: ClaimMappingsDiff = { changes: report.changes, plan: report, settingsChanged: options.settingsChanged ?? [] };
  return claimMappingsDetailedDiff(diff, { mappings: options.declaredBefore }, { mappings: options.declared });
}

describe("the plugin's detailed diff", () => {
  describe("ClaimMappings", () => {
    it("names the one field of the one rule an edit in the program changes, as a program change", async () => {
      const live = withIds([OWNER, SRE, ALL]);
      const declared = [OWNER, rule("groups", "sre", "Viewer"), ALL];
      expect(await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE, ALL], declared })).to.deep.equal({
        "mappings[1].role": { kind: "update", inputDiff: true },
      });
    });

    it("marks a rule the program adds and one it drops", async () => {
      const live = withIds([OWNER, SRE]);
      const declared = [OWNER, ALL];
      const entries = await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE], declared });
      // The planner edits the dropped rule into the new one in place (one call): its fields change.
      expect(entries).to.deep.equal({
        "mappings[1].claimValue": { kind: "update", inputDiff: true },
        "mappings[1].role": { kind: "update", inputDiff: true },
      });
      const appended = await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE], declared: [OWNER, SRE, ALL] });
      expect(appended).to.deep.equal({ "mappings[2]": { kind: "add", inputDiff: true } });
      const dropped = await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE], declared: [OWNER] });
      expect(dropped).to.deep.equal({ "mappings[1]": { kind: "delete", inputDiff: true } });
    });

    it("marks the rule a reorder moves, at its new position", async () => {
      const live = withIds([OWNER, SRE, ALL]);
      const declared = [OWNER, ALL, SRE];
      const entries = await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE, ALL], declared });
      expect(Object.keys(entries ?? {})).to.have.length(1);
      const [[path, change]] = Object.entries(entries ?? {});
      expect(path).to.match(/^mappings\[[12]\]$/);
      expect(change).to.deep.equal({ kind: "update", inputDiff: true });
    });

    it("marks what drifted in the workspace as drift (inputDiff false) when the program declares what it did before", async () => {
      const recorded = withIds([OWNER, SRE, ALL]);
      // Changed in the Torq UI: SRE's role edited, and a rule added at the end.
      const live: LiveRule[] = [recorded[0]!, { ...recorded[1]!, role: "Creator" }, recorded[2]!, { ...rule("groups", "ui", "Owner"), id: "id-ui" }];
      const entries = await rulesDiff({ live, recorded, declaredBefore: [OWNER, SRE, ALL], declared: [OWNER, SRE, ALL] });
      expect(entries).to.deep.equal({
        "mappings[3]": { kind: "delete", inputDiff: false },
        "mappings[1].role": { kind: "update", inputDiff: false },
      });
    });

    it("names the settings the program changed besides the rules", async () => {
      const live = withIds([OWNER, SRE]);
      const entries = await rulesDiff({ live, recorded: live, declaredBefore: [OWNER, SRE], declared: [OWNER, SRE], settingsChanged: ["breakGlassOwners"] });
      expect(entries).to.deep.equal({ breakGlassOwners: { kind: "add", inputDiff: true } });
    });

    it("has no detailed diff while the rules are not known yet", () => {
      expect(claimMappingsDetailedDiff({ changes: true, plan: undefined, settingsChanged: [] }, {}, {})).to.equal(undefined);
    });
  });

  describe("SsoProvider", () => {
    const LIVE: SsoProviderRecord = {
      protocol: "oidc",
      identity_provider: "okta",
      enabled: true,
      issuer_url: "https://idp.example.com",
      client_id: "torq",
      scopes: ["openid", "email", "profile"],
      grant_type: "code",
      send_login_hint: false,
      client_secret_set: true,
      client_secret_updated_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    };
    const DECLARED: SsoProviderInputs = {
      protocol: "oidc",
      identityProvider: "okta",
      enabled: true,
      issuerUrl: "https://idp.example.com",
      clientId: "torq",
      scopes: ["openid", "email", "profile"],
      grantType: "code",
      sendLoginHint: false,
    };

    it("names each setting that differs from the live provider: a program change, or drift", () => {
      const declared: SsoProviderInputs = { ...DECLARED, clientId: "torq-2" };
      const live = { ...LIVE, enabled: false };
      const plan = planSsoProvider(declared, { operation: "update", live, ssoOnly: false, secret: "unchanged" });
      expect(ssoProviderDetailedDiff(plan, DECLARED, declared)).to.deep.equal({
        enabled: { kind: "update", inputDiff: false },
        clientId: { kind: "update", inputDiff: true },
      });
    });

    it("names a rotated client secret without its value, and one replaced in the workspace as drift", () => {
      const rotated = planSsoProvider(DECLARED, { operation: "update", live: LIVE, ssoOnly: false, secret: "rotated" });
      expect(ssoProviderDetailedDiff(rotated, DECLARED, DECLARED)).to.deep.equal({ clientSecret: { kind: "update", inputDiff: true } });
      const replaced = planSsoProvider(DECLARED, { operation: "update", live: LIVE, ssoOnly: false, secret: "changed outside Pulumi" });
      expect(ssoProviderDetailedDiff(replaced, DECLARED, DECLARED)).to.deep.equal({ clientSecret: { kind: "update", inputDiff: false } });
    });

    it("marks every setting as drift when the provider was deleted in the workspace", () => {
      const plan = planSsoProvider(DECLARED, { operation: "update", live: undefined, ssoOnly: false, secret: "none" });
      const entries = ssoProviderDetailedDiff(plan, DECLARED, DECLARED) ?? {};
      expect(Object.keys(entries).sort()).to.deep.equal(Object.keys(DECLARED).sort());
      expect(Object.values(entries).every((e) => e.kind === "add" && !e.inputDiff)).to.equal(true);
    });
  });

  describe("SsoEnforcement", () => {
    it("names ssoOnly when it changes, as drift when the program did not change it", () => {
      expect(ssoEnforcementDetailedDiff(true, { ssoOnly: false }, { ssoOnly: true })).to.deep.equal({ ssoOnly: { kind: "update", inputDiff: true } });
      expect(ssoEnforcementDetailedDiff(true, { ssoOnly: true }, { ssoOnly: true })).to.deep.equal({ ssoOnly: { kind: "update", inputDiff: false } });
      expect(ssoEnforcementDetailedDiff(false, { ssoOnly: true }, { ssoOnly: true })).to.deep.equal({});
    });
  });
});
