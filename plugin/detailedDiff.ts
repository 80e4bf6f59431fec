/**
 * The per-property diff a reviewer sees in `pulumi preview` (and `--json`'s `detailedDiff`), built
 * from the plans the provider already computes: for ClaimMappings one entry per rule and field the
 * calls change (`mappings[2].claimValue`, `mappings[0]` for a rule added, removed or moved), for
 * SsoProvider one per setting that differs from the live provider, for SsoEnforcement `ssoOnly`.
 *
 * The engine's `inputDiff` flag says what a change is measured against. Here it tells a change the
 * program made (true: the declared value differs from the one declared last time) from drift (false:
 * the program declares what it did before, but the workspace no longer holds it, so `up` restores it).
 */
import type { ClaimMappingsDiff } from "../provider/resources/claimMappings";
import type { SsoProviderPlanReport } from "../provider/resources/ssoProviderPlan";
import type { RuleChange } from "../provider/plan";
import { ruleKey, type ClaimRule } from "../provider/rules/rule";
import type { Props } from "./propertyValues";

/** One entry of a detailed diff. */
export interface PropertyChange {
  kind: "add" | "delete" | "update";
  /** True: the program changed this value. False: the workspace drifted from what the program declares. */
  inputDiff: boolean;
}

/** Property path (`mappings[1].role`) → change. */
export type DetailedDiff = Record<string, PropertyChange>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function rulesOf(props: Props): ClaimRule[] {
  const list = props["mappings"];
  return Array.isArray(list) ? (list as ClaimRule[]) : [];
}

/** The detailed diff of a ClaimMappings plan: what the calls do to each rule, field by field. */
export function claimMappingsDetailedDiff(diff: ClaimMappingsDiff, oldInputs: Props, news: Props): DetailedDiff | undefined {
  if (!diff.plan) return undefined;
  const declaredBefore = rulesOf(oldInputs);
  const declared = rulesOf(news);
  const declaredBeforeKeys = new Set(declaredBefore.map(ruleKey));
  const declaredKeys = new Set(declared.map(ruleKey));
  const entries: DetailedDiff = {};
  const rowEntries = (row: RuleChange): void => {
    if (row.kind === "added") {
      // Declared anew, or declared before and deleted in the workspace since.
      entries[`mappings[${row.after.position - 1}]`] = { kind: "add", inputDiff: !declaredBeforeKeys.has(ruleKey(row.after)) };
    } else if (row.kind === "removed") {
      // Dropped from the program, or added in the workspace outside it.
      entries[`mappings[${row.before.position - 1}]`] = { kind: "delete", inputDiff: declaredBeforeKeys.has(ruleKey(row.before)) && !declaredKeys.has(ruleKey(row.before)) };
    } else {
      const index = row.after.position - 1;
      const was = declaredBefore[index];
      if (row.edited) {
        for (const field of ["claimName", "claimValue", "role"] as const) {
          if (row.before[field] !== row.after[field]) entries[`mappings[${index}].${field}`] = { kind: "update", inputDiff: was?.[field] !== row.after[field] };
        }
      }
      if (row.moved) entries[`mappings[${index}]`] = { kind: "update", inputDiff: !was || ruleKey(was) !== ruleKey(row.after) };
    }
  };
  diff.plan.rows.forEach(rowEntries);
  if (diff.plan.stateOnly && Object.keys(entries).length === 0) entries["mappings"] = { kind: "update", inputDiff: false };
  for (const key of diff.settingsChanged) entries[key] = { kind: changeKind(oldInputs[key], news[key]), inputDiff: true };
  return entries;
}

function changeKind(before: unknown, after: unknown): PropertyChange["kind"] {
  if (before === undefined || before === null) return "add";
  if (after === undefined || after === null) return "delete";
  return "update";
}

/** The detailed diff of an SsoProvider plan: each setting that differs from the live provider, and the client secret. */
export function ssoProviderDetailedDiff(plan: SsoProviderPlanReport | undefined, oldInputs: Props, news: Props): DetailedDiff | undefined {
  if (!plan) return undefined;
  const entries: DetailedDiff = {};
  if (plan.live === null) {
    // Deleted in the workspace since the stack recorded it: up creates every declared setting again.
    for (const field of Object.keys(plan.declared)) entries[field] = { kind: "add", inputDiff: false };
  }
  for (const change of plan.changedFields) {
    entries[change.field] = { kind: changeKind(change.live, change.declared), inputDiff: !same(oldInputs[change.field], news[change.field]) };
  }
  if (plan.secret === "rotated") entries["clientSecret"] = { kind: "update", inputDiff: true };
  else if (plan.secret === "changed outside Pulumi") entries["clientSecret"] = { kind: "update", inputDiff: false };
  else if (plan.secret === "set" && plan.live !== null) entries["clientSecret"] = { kind: "add", inputDiff: oldInputs["clientSecret"] === undefined };
  return entries;
}

/** The detailed diff of SsoEnforcement: `ssoOnly`, when it changes. */
export function ssoEnforcementDetailedDiff(changes: boolean, oldInputs: Props, news: Props): DetailedDiff {
  return changes ? { ssoOnly: { kind: "update", inputDiff: !same(oldInputs["ssoOnly"], news["ssoOnly"]) } } : {};
}
