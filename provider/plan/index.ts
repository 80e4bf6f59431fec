/**
 * Planning claim-mapping changes: the API calls that turn the live list into the desired one, the
 * simulation of what they do, and the summary a reviewer reads at preview.
 */
export { applyPlanToList, fieldChanges, TEMP_ID_PREFIX } from "./operations";
export { InvalidPlanError } from "../errors";
export type { ClaimMappingOperation, ClaimMappingPlan, CreateOperation, DeleteOperation, LiveRule, PlanOptions, UpdateOperation } from "./operations";
export { intermediatesPassGuard, planClaimMappingChanges } from "./planClaimMappingChanges";
export { commonSubsequence, minimumCalls } from "./structure";
export { describeCall, describePlan, describeRows, listChanges, planRows, type PositionedRule, type RuleChange } from "./describePlan";
