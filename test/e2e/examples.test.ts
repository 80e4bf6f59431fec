/**
 * The examples as a user runs them: each folder under examples/ copied into a Pulumi project on the
 * file backend, pointed at a local workspace that has an OIDC SSO provider (so the lockout guard
 * applies), and taken through its whole life with the real engine: up, a clean preview and refresh,
 * a reorder through config that preview shows and up applies with exactly the planned writes, and a
 * destroy the guard refuses until the documented way out (`allowLockout`) is applied.
 */
import { expect } from "chai";
import { TorqClient } from "../../provider/client/client";
import { planClaimMappingChanges } from "../../provider/plan";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import type { PulumiProject } from "./harness";
import { useScene } from "./scene";
import { PROVIDER_MODES } from "./providerModes";
import type { Workspace } from "../../emulator";
import { asText, liveRules, requestLog, resetRequestLog, writesIn } from "./workspaceTools";

function expectNoStackTrace(output: string): void {
  expect(output).to.not.match(/\n\s+at .+:\d+:\d+\)?\n/, "no stack trace");
}

interface ExampleCase {
  folder: string;
  /** The config key whose JSON list the reorder changes. */
  orderKey: string;
  /** What the example declares with its defaults. */
  initial: ClaimRule[];
  /** The new value of `orderKey`, and the list the example then declares. */
  reordered: { config: string[]; rules: ClaimRule[] };
}

const email = (claimValue: string, role = "Owner"): ClaimRule => ({ claimName: "email", claimValue, role });
const group = (claimValue: string, role: string): ClaimRule => ({ claimName: "groups", claimValue, role });

const CASES: ExampleCase[] = [
  {
    folder: "group-based-roles",
    orderKey: "groupOrder",
    initial: [
      email("alice@example.com"),
      email("bob@example.com"),
      group("torq-admins", "Contributor"),
      group("sec-engineers", "Creator"),
      group("soc-analysts", "Operator"),
      group("auditors", "Viewer"),
    ],
    reordered: {
      config: ["torq-admins", "soc-analysts", "auditors", "sec-engineers"],
      rules: [
        email("alice@example.com"),
        email("bob@example.com"),
        group("torq-admins", "Contributor"),
        group("soc-analysts", "Operator"),
        group("auditors", "Viewer"),
        group("sec-engineers", "Creator"),
      ],
    },
  },
  {
    folder: "multiple-email-domains",
    orderKey: "domainGroups",
    initial: [
      email("it-owner@example.com"),
      email("it-owner@example.co.uk"),
      group("security", "Operator"),
      group("staff-example-com", "Viewer"),
      group("staff-example-co-uk", "Viewer"),
    ],
    reordered: {
      config: ["staff-example-co-uk", "staff-example-com"],
      rules: [
        email("it-owner@example.com"),
        email("it-owner@example.co.uk"),
        group("security", "Operator"),
        group("staff-example-co-uk", "Viewer"),
        group("staff-example-com", "Viewer"),
      ],
    },
  },
];

for (const mode of PROVIDER_MODES) for (const example of CASES) {
  describe(`example ${example.folder} through its whole life (${mode.name})`, function () {
    this.timeout(600_000);
    let workspace: Workspace;
    let client: TorqClient;
    let project: PulumiProject;

    // An SSO provider makes guard rule 1 apply, and with it the refusal to destroy.
    useScene({ ssoProvider: true, project: { example: example.folder, mode } }, (scene) => ({ workspace, client, project } = scene));

    it("applies the declared list, then preview and refresh find nothing to change", async () => {
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(asText(await liveRules(client))).to.deep.equal(asText(example.initial));
      await project.ok(["preview", "--expect-no-changes"]);
      await project.ok(["refresh", "--yes", "--expect-no-changes"]);
    });

    it(`shows a reorder through ${example.orderKey} at preview, and up applies it with exactly the planned writes`, async () => {
      await project.ok(["config", "set", example.orderKey, JSON.stringify(example.reordered.config)]);
      const before = await liveRules(client);
      const planned = planClaimMappingChanges(before, example.reordered.rules, { ssoProviderExists: true, enforceGuard: true });
      expect(planned.apiCalls).to.be.greaterThan(0);

      const preview = await project.run(["preview", "--expect-no-changes"]);
      expect(preview.code, preview.output).to.not.equal(0);
      expect(preview.output).to.match(/↕ groups = \S+: \d+ → \d+/);
      expect(preview.output).to.include(`${planned.apiCalls} API call(s)`);
      expect(asText(await liveRules(client)), "preview writes nothing").to.deep.equal(asText(before));

      await resetRequestLog(workspace);
      await project.ok(["up", "--yes", "--skip-preview"]);
      const writes = writesIn(await requestLog(workspace));
      const after = await liveRules(client);
      expect(asText(after)).to.deep.equal(asText(example.reordered.rules));
      // The minimum computed from what was there before and what is there now, as the provider saw it.
      const minimum = planClaimMappingChanges(before, after, { ssoProviderExists: true, enforceGuard: true }).apiCalls;
      expect(minimum).to.equal(planned.apiCalls);
      expect(writes.length, JSON.stringify(writes)).to.equal(minimum);
      expect(writes.every((w) => w.status === 200), JSON.stringify(writes)).to.equal(true);
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("refuses destroy (protected by default, and the lockout guard), and destroys once allowLockout is applied", async () => {
      const refused = await project.run(["destroy", "--yes"]);
      expect(refused.code).to.not.equal(0);
      expect(refused.output).to.include("protected");
      expectNoStackTrace(refused.output);
      expect(asText(await liveRules(client))).to.deep.equal(asText(example.reordered.rules));

      await project.ok(["config", "set", "allowLockout", "true"]);
      await resetRequestLog(workspace);
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(writesIn(await requestLog(workspace)), "recording allowLockout writes nothing to the workspace").to.deep.equal([]);
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      expect(await liveRules(client)).to.deep.equal([]);
    });
  });
}
