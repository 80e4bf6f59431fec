/**
 * The fleet report and what is made from it: exit codes, merging the reports of a CI matrix's jobs,
 * the Markdown review (summary table first, then a section per workspace that has something to say),
 * the CI matrix itself, and the preview rebuilt from engine events.
 */
import { expect } from "chai";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Review } from "../../../cli/review/buildReview";
import { FleetReportError, FleetUsageError } from "../../../fleet/errors";
import { parseFleetFile } from "../../../fleet/loadFleetFile";
import { fleetMatrix } from "../../../fleet/matrix";
import { PreviewCollector } from "../../../fleet/previewFromEvents";
import { renderFleetMarkdown } from "../../../fleet/renderFleetMarkdown";
import { fleetExitCode, fleetReportSchema, mergeReports, unfinished, type FleetReport, type WorkspaceReport, type WorkspaceStatus } from "../../../fleet/report";

const URN = "urn:pulumi:w::p::pulumi-nodejs:dynamic/torq:ClaimMappings::sso-rules";

function review(changes: boolean, errors: string[] = []): Review {
  return {
    version: 1,
    changes,
    refused: errors.length > 0,
    resources: changes ? [{ urn: URN, name: "sso-rules", kind: "ClaimMappings", step: "update", plan: null, note: "its inputs are not known until apply" }] : [],
    warnings: [],
    errors: errors.map((message) => ({ severity: "error", resource: "ClaimMappings sso-rules", message })),
  };
}

function workspace(name: string, order: number, status: WorkspaceStatus, extra: Partial<WorkspaceReport> = {}): WorkspaceReport {
  return { name, stack: name, order, wave: { index: order < 1 ? 0 : 1, name: order < 1 ? "canary" : "rest" }, status, reason: null, changes: null, steps: null, review: null, seconds: 1, ...extra };
}

function report(operation: FleetReport["operation"], workspaces: WorkspaceReport[], extra: Partial<FleetReport> = {}): FleetReport {
  return { version: 1, operation, interrupted: false, stoppedBefore: null, workspaces, ...extra };
}

describe("fleet report", () => {
  describe("exit code (as torq-sso review's: 0 no change, 2 changes, 1 refused or failed)", () => {
    const cases: [string, FleetReport, number][] = [
      ["every workspace without change", report("preview", [workspace("a", 0, "no-changes"), workspace("b", 1, "no-changes")]), 0],
      ["changes in one", report("preview", [workspace("a", 0, "no-changes"), workspace("b", 1, "changes")]), 2],
      ["a refusal beside changes", report("preview", [workspace("a", 0, "refused"), workspace("b", 1, "changes")]), 1],
      ["drift found", report("drift", [workspace("a", 0, "drift"), workspace("b", 1, "no-changes")]), 2],
      ["every workspace applied", report("up", [workspace("a", 0, "applied"), workspace("b", 1, "no-changes")]), 0],
      ["a stopped rollout", report("up", [workspace("a", 0, "failed"), workspace("b", 1, "not-started")], { stoppedBefore: { wave: "rest", because: ["a"] } }), 1],
      ["an interrupted run", report("up", [workspace("a", 0, "applied"), workspace("b", 1, "not-started")], { interrupted: true }), 1],
    ];
    for (const [name, value, code] of cases) it(`${code} for ${name}`, () => expect(fleetExitCode(value)).to.equal(code));
  });

  it("names what an up has left to do: everything not applied", () => {
    const value = report("up", [workspace("a", 0, "applied"), workspace("b", 1, "cancelled"), workspace("c", 2, "no-changes"), workspace("d", 3, "not-started")]);
    expect(unfinished(value)).to.deep.equal(["b", "d"]);
  });

  describe("merging the reports of a matrix's jobs", () => {
    it("joins them in the fleet's order, whatever order the jobs finished in", () => {
      const merged = mergeReports([
        { file: "b.json", report: report("preview", [workspace("b", 1, "changes", { review: review(true) })]) },
        { file: "a.json", report: report("preview", [workspace("a", 0, "no-changes", { review: review(false) })]) },
      ]);
      expect(merged.workspaces.map((w) => w.name)).to.deep.equal(["a", "b"]);
      expect(fleetExitCode(merged)).to.equal(2);
      expect(fleetReportSchema.parse(JSON.parse(JSON.stringify(merged)))).to.deep.equal(merged);
    });

    it("refuses reports of different operations, and a workspace reported twice", () => {
      expect(() => mergeReports([{ file: "a.json", report: report("preview", []) }, { file: "b.json", report: report("drift", []) }])).to.throw(
        FleetReportError,
        "b.json is a fleet drift report; a.json is a fleet preview report",
      );
      const twice = report("preview", [workspace("a", 0, "changes")]);
      expect(() => mergeReports([{ file: "a.json", report: twice }, { file: "again.json", report: twice }])).to.throw(FleetReportError, "again.json and a.json both report workspace a");
      expect(() => mergeReports([])).to.throw(FleetReportError, "no report to merge");
    });

    it("keeps an interruption and a stopped rollout of any job", () => {
      const merged = mergeReports([
        { file: "a.json", report: report("up", [workspace("a", 0, "applied")]) },
        { file: "b.json", report: report("up", [workspace("b", 1, "refused")], { interrupted: true, stoppedBefore: { wave: "rest", because: ["b"] } }) },
      ]);
      expect([merged.interrupted, merged.stoppedBefore]).to.deep.equal([true, { wave: "rest", because: ["b"] }]);
    });
  });

  describe("as Markdown", () => {
    it("starts with a summary table of every workspace, then a section for each that has something to say", () => {
      const markdown = renderFleetMarkdown(
        report("preview", [
          workspace("staging", 0, "no-changes", { review: review(false) }),
          workspace("prod-us", 1, "changes", { review: review(true) }),
          workspace("prod-eu", 2, "refused", { reason: "ClaimMappings sso-rules: lockout guard: refusing", review: review(false, ["lockout guard: refusing this claim-mapping list"]) }),
        ]),
      );
      const lines = markdown.split("\n");
      expect(lines.slice(0, 7)).to.deep.equal([
        "### pulumi-torq-sso fleet preview: 3 workspace(s) — 1 no changes, 1 changes, 1 refused",
        "",
        "| wave | workspace | verdict | changes | API calls | lockout guard |",
        "|---|---|---|---|--:|---|",
        "| 1 canary | `staging` | ✅ no changes | — | — | — |",
        "| 2 rest | `prod-us` | changes | ClaimMappings `sso-rules`: update (its inputs are not known until apply) | — | — |",
        "| 2 rest | `prod-eu` | ❌ **refused** | — | — | — |",
      ]);
      expect(lines.filter((l) => l.startsWith("## "))).to.deep.equal(["## `prod-us` — wave 2 (rest): changes", "## `prod-eu` — wave 2 (rest): ❌ **refused**"]);
      expect(markdown).to.include("lockout guard: refusing this claim-mapping list");
    });

    it("says where a rollout stopped, and how to finish an interrupted one", () => {
      const stopped = renderFleetMarkdown(
        report("up", [workspace("a", 0, "failed", { reason: "boom" }), workspace("b", 1, "not-started", { reason: "wave 1 (canary) stopped the rollout (a failed)" })], {
          stoppedBefore: { wave: "rest", because: ["a"] },
        }),
      );
      expect(stopped).to.include("**Rollout stopped before wave `rest`** because of `a`; later waves were not touched.");
      expect(stopped).to.include("Reason: boom");
      expect(stopped, "a workspace not started gets no section of its own").to.not.include("## `b`");
      const interrupted = renderFleetMarkdown(report("up", [workspace("a", 0, "applied"), workspace("b", 1, "cancelled")], { interrupted: true }));
      expect(interrupted).to.include("Not finished: `b`; run the command again with `--only b`");
    });

    it("names what an up changed, resource by resource", () => {
      const markdown = renderFleetMarkdown(report("up", [workspace("a", 0, "applied", { steps: [{ kind: "ClaimMappings", name: "sso-rules", op: "update" }] }), workspace("b", 1, "no-changes")]));
      expect(markdown.split("\n").slice(4, 6)).to.deep.equal([
        "| 1 canary | `a` | ✅ applied | ClaimMappings `sso-rules`: update | — | — |",
        "| 2 rest | `b` | ✅ no changes | — | — | — |",
      ]);
    });

    it("calls drift's no-change verdict in sync", () => {
      expect(renderFleetMarkdown(report("drift", [workspace("a", 0, "no-changes"), workspace("b", 1, "drift")]))).to.include(
        "### pulumi-torq-sso fleet drift: 2 workspace(s) — 1 in sync, 1 drift",
      );
    });
  });
});

describe("fleet matrix", () => {
  const fleet = parseFleetFile(
    "fleet.yaml",
    `baseline: { claimMappings: { mappings: [{ claimName: email, claimValue: o@x.test, role: Owner }] } }
workspaces:
${["a", "b", "c", "d", "e"].map((n) => `  - { name: ${n}, credentials: { clientId: ${n.toUpperCase()}_ID, clientSecret: ${n.toUpperCase()}_SECRET } }`).join("\n")}
waves:
  - { name: canary, workspaces: [c] }
  - { name: rest, workspaces: [a, b, d, e] }
`,
  );

  it("has an entry per workspace, in wave order, naming the variables its key comes from", () => {
    expect(fleetMatrix(fleet).include.slice(0, 2)).to.deep.equal([
      { name: "c", workspaces: "c", wave: "canary", clientIdVar: "C_ID", clientSecretVar: "C_SECRET" },
      { name: "a", workspaces: "a", wave: "rest", clientIdVar: "A_ID", clientSecretVar: "A_SECRET" },
    ]);
    expect(fleetMatrix(fleet).include.map((e) => e.name)).to.deep.equal(["c", "a", "b", "d", "e"]);
  });

  it("cuts the fleet into even, contiguous shards, and never more shards than workspaces", () => {
    expect(fleetMatrix(fleet, { shards: 2 }).include).to.deep.equal([
      { name: "shard-1", workspaces: "c,a", wave: "canary,rest", variables: "C_ID,C_SECRET,A_ID,A_SECRET" },
      { name: "shard-2", workspaces: "b,d,e", wave: "rest", variables: "B_ID,B_SECRET,D_ID,D_SECRET,E_ID,E_SECRET" },
    ]);
    expect(fleetMatrix(fleet, { shards: 9 }).include.map((e) => e.workspaces)).to.deep.equal(["c", "a", "b", "d", "e"]);
  });

  it("takes one wave on request, and names the waves when asked for one it lacks", () => {
    expect(fleetMatrix(fleet, { wave: "canary" }).include.map((e) => e.name)).to.deep.equal(["c"]);
    expect(() => fleetMatrix(fleet, { wave: "late" })).to.throw(FleetUsageError, "--wave names no wave of fleet.yaml (its waves: canary, rest)");
  });
});

describe("the preview rebuilt from engine events", () => {
  const event = (fields: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...fields });

  it("keeps the config, each step's old and new state, and what a user sees of the diagnostics", () => {
    const collector = new PreviewCollector();
    collector.onEvent(event({ preludeEvent: { config: { "torq:apiUrl": "http://127.0.0.1:1", "torq:clientSecret": "[secret]" } } }));
    collector.onEvent(
      event({
        resourcePreEvent: {
          metadata: {
            op: "update",
            urn: URN,
            type: "pulumi-nodejs:dynamic/torq:ClaimMappings",
            old: { type: "pulumi-nodejs:dynamic/torq:ClaimMappings", urn: URN, id: "x", parent: "", provider: "", inputs: { mappings: [] }, outputs: { mappings: [] } },
            new: { type: "pulumi-nodejs:dynamic/torq:ClaimMappings", urn: URN, id: "x", parent: "", provider: "", inputs: { mappings: [1] }, outputs: {} },
            provider: "",
          },
        },
      }),
    );
    collector.onEvent(event({ diagnosticEvent: { urn: URN, message: "<{%fg 1%}>lockout guard: refusing<{%reset%}>\n", color: "never", severity: "error" } }));
    collector.onEvent(event({ diagnosticEvent: { message: "Registering resource\n", color: "never", severity: "debug" as "info" } }));
    expect(collector.preview()).to.deep.equal({
      config: { "torq:apiUrl": "http://127.0.0.1:1", "torq:clientSecret": "[secret]" },
      steps: [
        {
          op: "update",
          urn: URN,
          oldState: { type: "pulumi-nodejs:dynamic/torq:ClaimMappings", inputs: { mappings: [] }, outputs: { mappings: [] } },
          newState: { type: "pulumi-nodejs:dynamic/torq:ClaimMappings", inputs: { mappings: [1] }, outputs: {} },
          detailedDiff: null,
        },
      ],
      diagnostics: [{ urn: URN, message: "lockout guard: refusing\n", severity: "error" }],
    });
    expect(collector.errors().map((d) => d.message)).to.deep.equal(["lockout guard: refusing\n"]);
  });
});
