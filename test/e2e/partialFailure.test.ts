/**
 * ClaimMappings when the workspace API fails halfway through an update, on a workspace with the
 * [local] extensions (ETag/If-Match, Idempotency-Key). Each fault hits a write in the middle of the
 * plan, so some calls went through and the workspace holds a partly applied list. What must hold
 * every time: `pulumi up` fails with one clear line (no stack trace), the stack does not record the
 * list it failed to apply, and once the API is healthy the next `up` converges to the declared list
 * without a duplicate rule, after which preview has nothing to change.
 *
 * And a change made by someone else while `up` applies: the provider re-plans once over it (saying
 * what changed), and when it happens again fails naming what changed.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { TorqClient } from "../../provider/client/client";
import { planClaimMappingChanges, type ClaimMappingOperation } from "../../provider/plan";
import type { z } from "zod";
import { API_BASE_PATH } from "../../provider/schemas/api";
import { type faultRuleSchema } from "../../emulator/testHookSchemas";
import type { ClaimRule } from "../../provider/schemas/claimMappings";
import type { PulumiProject, RunResult } from "./harness";
import { useScene } from "./scene";
import { PROVIDER_MODES, type ProviderMode } from "./providerModes";
import type { Workspace } from "../../emulator";
import { asText, liveRules, requestLog, testHook } from "./workspaceTools";

const CLAIM_MAPPINGS_PATH = `${API_BASE_PATH}/sso/claim_mappings`;

const rule = (claimName: string, claimValue: string, role: string): ClaimRule => ({ claimName, claimValue, role });
const OWNER = rule("email", "owner@example.com", "Owner");
const ONCALL = rule("email", "oncall@example.com", "Owner");

/** The declared lists, in the order the tests apply them; each step mixes creates, moves, edits, deletes. */
const LISTS = {
  start: [OWNER, rule("groups", "a", "Operator"), rule("groups", "b", "Viewer"), rule("groups", "c", "Viewer")],
  afterServerError: [OWNER, rule("groups", "c", "Viewer"), rule("groups", "a", "Operator"), rule("groups", "d", "Creator"), rule("groups", "e", "Viewer"), rule("groups", "f", "Viewer")],
  afterDroppedAnswers: [
    OWNER,
    ONCALL,
    rule("groups", "c", "Viewer"),
    rule("groups", "a", "Contributor"),
    rule("groups", "d", "Creator"),
    rule("groups", "e", "Viewer"),
    rule("groups", "f", "Viewer"),
    rule("groups", "g", "Viewer"),
    rule("groups", "h", "Viewer"),
  ],
  afterStorm: [ONCALL, OWNER, rule("groups", "h", "Viewer"), rule("groups", "g", "Operator"), rule("groups", "i", "Viewer")],
  afterOneLostAnswer: [ONCALL, OWNER, rule("groups", "i", "Viewer"), rule("groups", "h", "Viewer"), rule("groups", "g", "Operator")],
  afterOneConflict: [ONCALL, OWNER, rule("groups", "g", "Operator"), rule("groups", "h", "Viewer"), rule("groups", "i", "Viewer")],
  afterTwoConflicts: [OWNER, ONCALL, rule("groups", "i", "Viewer"), rule("groups", "g", "Operator"), rule("groups", "h", "Viewer")],
};

function program(rules: readonly ClaimRule[]): string {
  return `import * as torq from "pulumi-torq-sso";
export const rules = new torq.ClaimMappings("rules", { mappings: ${JSON.stringify(rules)} }).mappings;
`;
}

/** What the stack records as the applied list: undefined when it records no ClaimMappings outputs. */
async function recordedList(project: PulumiProject, mode: ProviderMode): Promise<string[] | undefined> {
  const exported = JSON.parse((await project.ok(["stack", "export"])).stdout) as {
    deployment: { resources?: { type: string; outputs?: { mappings?: ClaimRule[] } }[] };
  };
  const resource = (exported.deployment.resources ?? []).find((r) => r.type === mode.resourceType("ClaimMappings"));
  const mappings = resource?.outputs?.mappings;
  return mappings === undefined ? undefined : asText(mappings);
}

/** The error Pulumi reports for the resource: its first `error:` line under its heading in Diagnostics (the plugin logs the plan there too). */
function resourceError(result: RunResult): string {
  const match = /ClaimMappings \(rules\):\n(?:[ \t]+(?!error: ).*\n)*?[ \t]+error: (.+)\n/.exec(result.output);
  expect(match, result.output).to.not.equal(null);
  return match![1]!;
}

function expectNoStackTrace(output: string): void {
  expect(output).to.not.match(/\n\s+at .+:\d+:\d+\)?\n/, "no stack trace");
}

/** The method and path a plan's call is sent to; null for a call on a rule the plan itself creates. */
function target(op: ClaimMappingOperation): { method: string; path: string } | null {
  if (op.kind === "create") return { method: "POST", path: CLAIM_MAPPINGS_PATH };
  if (op.id.startsWith("new:")) return null;
  return { method: op.kind === "update" ? "PATCH" : "DELETE", path: `${CLAIM_MAPPINGS_PATH}/${op.id}` };
}

/**
 * The first call of the plan of one of `kinds`, after at least one other call: the failure comes in
 * the middle of the apply. `earlierAlike` counts the earlier calls to the same method and path,
 * which a fault on it must let through first.
 */
function midwayCall(ops: readonly ClaimMappingOperation[], kinds: readonly ClaimMappingOperation["kind"][]): { index: number; method: string; path: string; earlierAlike: number } {
  for (let index = 1; index < ops.length; index++) {
    const here = target(ops[index]!);
    if (!here || !kinds.includes(ops[index]!.kind)) continue;
    const earlierAlike = ops.slice(0, index).filter((op) => {
      const earlier = target(op);
      return earlier !== null && earlier.method === here.method && earlier.path === here.path;
    }).length;
    return { index, ...here, earlierAlike };
  }
  throw new Error(`the plan has no ${kinds.join("/")} call after its first: ${JSON.stringify(ops)}`);
}

/** Waits until the request log holds `count` reads of the claim-mapping list. */
async function untilListReads(ws: Workspace, count: number, running: { done: boolean }): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const reads = (await requestLog(ws)).filter((r) => r.method === "GET" && r.path === CLAIM_MAPPINGS_PATH).length;
    if (reads >= count) return;
    if (running.done || Date.now() > deadline) throw new Error(`pulumi up ended before the list had been read ${count} time(s) (${reads})`);
    await sleep(25);
  }
}

for (const mode of PROVIDER_MODES) describe(`ClaimMappings when the workspace API fails in the middle of an update (${mode.name})`, function () {
  this.timeout(600_000);
  let workspace: Workspace;
  let client: TorqClient;
  let project: PulumiProject;

  useScene({ ssoProvider: true, project: { program: program(LISTS.start), mode } }, (scene) => ({ workspace, client, project } = scene));
  before(async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    expect(asText(await liveRules(client))).to.deep.equal(asText(LISTS.start));
  });

  /**
   * Applies `desired` with `fault` on the plan's call `midwayCall(kinds)`: up fails with one line
   * matching `expected`, after some calls went through; the stack keeps the last list applied in
   * full; with the API healthy again the next up converges and preview is clean.
   */
  async function failMidwayThenConverge(
    desired: readonly ClaimRule[],
    kinds: readonly ClaimMappingOperation["kind"][],
    fault: Omit<z.input<typeof faultRuleSchema>, "method" | "path">,
    expected: RegExp,
  ): Promise<void> {
    const before = await liveRules(client);
    const recordedBefore = await recordedList(project, mode);
    expect(recordedBefore).to.deep.equal(asText(before));
    const plan = planClaimMappingChanges(before, desired, { ssoProviderExists: true, enforceGuard: true });
    const call = midwayCall(plan.ops, kinds);

    await testHook(workspace, "POST", "reset");
    // Faults match first added first: a no-op rule lets the earlier calls to the same route through.
    if (call.earlierAlike > 0) await testHook(workspace, "POST", "faults", { method: call.method, path: call.path, delay_ms: 0, times: call.earlierAlike });
    await testHook(workspace, "POST", "faults", { method: call.method, path: call.path, ...fault });
    project.writeProgram(program(desired));
    const failed = await project.run(["up", "--yes", "--skip-preview"]);
    expect(failed.code, failed.output).to.not.equal(0);
    const message = resourceError(failed);
    expect(message).to.match(expected);
    expect(message).to.include(`API call ${call.index + 1} of ${plan.apiCalls}`);
    expect(message).to.include("run `pulumi up` again");
    expectNoStackTrace(failed.output);

    // Something was applied: the calls before the faulty one.
    const partly = asText(await liveRules(client));
    expect(partly).to.not.deep.equal(asText(before));
    expect(partly).to.not.deep.equal(asText(desired));
    const recorded = await recordedList(project, mode);
    expect(recorded === undefined || JSON.stringify(recorded) === JSON.stringify(recordedBefore), `the stack records ${JSON.stringify(recorded)}`).to.equal(true);

    await testHook(workspace, "POST", "reset");
    await project.ok(["up", "--yes", "--skip-preview"]);
    const live = asText(await liveRules(client));
    expect(live).to.deep.equal(asText(desired));
    expect(new Set(live).size, "no rule twice").to.equal(live.length);
    expect(await recordedList(project, mode)).to.deep.equal(asText(desired));
    await project.ok(["preview", "--expect-no-changes"]);
  }

  it("(a) a 500 on a write halfway: fails in one line, the stack keeps the old list, the next up converges", async () => {
    await failMidwayThenConverge(LISTS.afterServerError, ["update", "delete"], { status: 500 }, /^(PATCH|DELETE) http:\S+ failed \(500\)/);
  });

  it("(b) answers dropped after the write committed, on every retry: fails in one line, the next up creates nothing twice", async () => {
    // The create commits once; its retries replay it under the same Idempotency-Key, each answer lost too.
    await failMidwayThenConverge(LISTS.afterDroppedAnswers, ["create"], { drop: "after", times: 20 }, /^POST http:\S+: could not reach the workspace API \(ECONNRESET\) after 5 attempt\(s\)/);
    const posts = (await requestLog(workspace)).filter((r) => r.method === "POST" && r.path === CLAIM_MAPPINGS_PATH);
    expect(posts.every((r) => r.status === 200)).to.equal(true);
  });

  it("(c) a 503 storm longer than the retries: fails in one line, the next up converges", async () => {
    await failMidwayThenConverge(LISTS.afterStorm, ["update", "delete", "create"], { status: 503, times: 20 }, /^(POST|PATCH|DELETE) http:\S+ failed \(503\)/);
  });

  it("a single answer lost after its write committed: up carries on and converges in one go", async () => {
    const before = await liveRules(client);
    const plan = planClaimMappingChanges(before, LISTS.afterOneLostAnswer, { ssoProviderExists: true, enforceGuard: true });
    const first = target(plan.ops[0]!);
    expect(first?.method).to.equal("PATCH");

    await testHook(workspace, "POST", "reset");
    await testHook(workspace, "POST", "faults", { ...first, drop: "after", times: 1 });
    project.writeProgram(program(LISTS.afterOneLostAnswer));
    const result = await project.ok(["up", "--yes", "--skip-preview"]);
    // The retry met a list whose version had moved (412): it was this very write, and the provider says so.
    expect(result.output).to.include("was lost after the workspace applied it");
    expect(asText(await liveRules(client))).to.deep.equal(asText(LISTS.afterOneLostAnswer));
    expect((await requestLog(workspace)).filter((r) => r.path === first!.path).map((r) => r.status)).to.deep.equal([0, 412]);
    await project.ok(["preview", "--expect-no-changes"]);
  });

  describe("a change made through the API while up applies (If-Match in play)", () => {
    /** Holds the provider's PATCHes (this many) long enough for the test to write in between. */
    async function holdPatches(times: number): Promise<void> {
      await testHook(workspace, "POST", "faults", { method: "PATCH", path: `${CLAIM_MAPPINGS_PATH}/*`, delay_ms: 2_000, times });
    }

    async function addIntruder(name: string): Promise<void> {
      const viewer = (await client.listRoles()).find((r) => r.name === "Viewer")!.id;
      await client.createClaimMapping({ claim_name: "groups", claim_value: name, role_id: viewer });
    }

    it("re-plans once over it, saying what changed, and converges", async () => {
      const before = await liveRules(client);
      const plan = planClaimMappingChanges(before, LISTS.afterOneConflict, { ssoProviderExists: true, enforceGuard: true });
      expect(plan.ops.every((op) => op.kind === "update"), "a reorder: PATCHes only").to.equal(true);

      await testHook(workspace, "POST", "reset");
      await holdPatches(1);
      project.writeProgram(program(LISTS.afterOneConflict));
      const running = { done: false };
      const up = project.run(["up", "--yes", "--skip-preview"]).finally(() => (running.done = true));
      // check reads the list; diff and, with ETags, the update start from that read, so the update's
      // first PATCH carries its ETag.
      await untilListReads(workspace, 1, running);
      await addIntruder("intruders");
      const result = await up;

      expect(result.code, result.output).to.equal(0);
      expect(result.output).to.match(/ClaimMappings: the workspace changed while applying \(\+ 6\. groups = intruders → Viewer\); planning again/);
      expect(asText(await liveRules(client))).to.deep.equal(asText(LISTS.afterOneConflict));
      expect((await requestLog(workspace)).some((r) => r.method === "PATCH" && r.status === 412), "a write met a stale If-Match").to.equal(true);
      await project.ok(["preview", "--expect-no-changes"]);
    });

    it("fails naming what changed when it changes again during the second try, and the next up converges", async () => {
      const before = await liveRules(client);
      const plan = planClaimMappingChanges(before, LISTS.afterTwoConflicts, { ssoProviderExists: true, enforceGuard: true });
      expect(plan.ops.every((op) => op.kind === "update"), "a reorder: PATCHes only").to.equal(true);
      const recordedBefore = await recordedList(project, mode);

      await testHook(workspace, "POST", "reset");
      await holdPatches(2);
      project.writeProgram(program(LISTS.afterTwoConflicts));
      const running = { done: false };
      const up = project.run(["up", "--yes", "--skip-preview"]).finally(() => (running.done = true));
      await untilListReads(workspace, 1, running);
      await addIntruder("intruders-1");
      // After the conflict the provider reads the list once more and plans again.
      await untilListReads(workspace, 2, running);
      await addIntruder("intruders-2");
      const failed = await up;

      expect(failed.code, failed.output).to.not.equal(0);
      const message = resourceError(failed);
      expect(message).to.match(/^the workspace changed while applying, twice \(the second time: \+ \d+\. groups = intruders-2 → Viewer\)/);
      expect(message).to.include("Run `pulumi up` again");
      expectNoStackTrace(failed.output);
      expect(await recordedList(project, mode)).to.deep.equal(recordedBefore);

      await testHook(workspace, "POST", "reset");
      await project.ok(["up", "--yes", "--skip-preview"]);
      expect(asText(await liveRules(client))).to.deep.equal(asText(LISTS.afterTwoConflicts));
      await project.ok(["preview", "--expect-no-changes"]);
    });
  });
});
