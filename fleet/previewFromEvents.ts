/**
 * The preview `torq-sso review` reads, rebuilt from the engine events of an Automation API operation.
 * `pulumi preview --json` is itself made from these events (the prelude's config, each resource's
 * step with its old and new state, the diagnostics), and an inline program cannot be previewed with
 * `--json` at all, so the fleet collects the events of each stack's preview and turns them into the
 * same document.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { torqKind, urnName, urnType, type PreviewDiagnostic, type PreviewJson, type PreviewStep } from "../cli/review/previewJson";

/** Pulumi's colour directives (`<{%reset%}>`), which `--json` strips and raw events keep. */
const COLOR_DIRECTIVE = /<\{%[^%]*%\}>/g;

/** Collects an operation's engine events; `preview()` is the document `pulumi preview --json` would have printed. */
export class PreviewCollector {
  private config: Record<string, string> | undefined;
  private readonly steps: PreviewStep[] = [];
  private readonly diagnostics: PreviewDiagnostic[] = [];

  /** Pass to the Automation API's `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    if (event.preludeEvent) this.config = event.preludeEvent.config;
    const step = event.resourcePreEvent?.metadata;
    if (step) {
      this.steps.push({
        op: step.op,
        urn: step.urn,
        ...(step.old ? { oldState: { type: step.old.type, inputs: step.old.inputs, outputs: step.old.outputs } } : {}),
        ...(step.new ? { newState: { type: step.new.type, inputs: step.new.inputs, outputs: step.new.outputs } } : {}),
        detailedDiff: step.detailedDiff ?? null,
      });
    }
    const diagnostic = event.diagnosticEvent;
    // Debug lines only appear with -v; the rest is what a user sees, info included (the review looks for notes there).
    if (diagnostic && (diagnostic.severity as string) !== "debug") {
      this.diagnostics.push({
        ...(diagnostic.urn ? { urn: diagnostic.urn } : {}),
        message: diagnostic.message.replace(COLOR_DIRECTIVE, ""),
        severity: diagnostic.severity,
      });
    }
  };

  /** The preview so far, shaped as `pulumi preview --json` prints it. */
  preview(): PreviewJson {
    return { ...(this.config ? { config: this.config } : {}), steps: [...this.steps], diagnostics: [...this.diagnostics] };
  }

  /** The steps that change a resource of this package: `{ kind: "ClaimMappings", name: "sso-rules", op: "update" }`. */
  torqSteps(): { kind: string; name: string; op: string }[] {
    return this.steps.flatMap((step) => {
      const kind = torqKind(step.newState?.type ?? step.oldState?.type ?? urnType(step.urn));
      return kind && step.op !== "same" && step.op !== "read" ? [{ kind, name: urnName(step.urn), op: step.op }] : [];
    });
  }

  /** The error diagnostics, each message whole. */
  errors(): PreviewDiagnostic[] {
    return this.diagnostics.filter((d) => d.severity === "error");
  }
}
