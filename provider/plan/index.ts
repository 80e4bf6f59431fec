/**
 * Planning claim-mapping changes: the API calls that turn the live list into the desired one, the
 * simulation of what they do, and the summary a reviewer reads at preview.
 */
export { applyPlanToList, InvalidPlanError, TEMP_ID_PREFIX } from "./operations";
export type { ClaimMappingOperation, ClaimMappingPlan, CreateOperation, DeleteOperation, LiveRule, UpdateOperation } from "./operations";
export { intermediatesPassGuard, planClaimMappingChanges, type PlanOptions } from "./planClaimMappingChanges";
export { minimumCalls } from "./structure";
export { describePlan } from "./describePlan";
