/**
 * The role a signed-in identity gets: the workspace's claim-mapping list, role ids turned into role
 * names, evaluated by the provider's own evaluator (`compileClaimRules`, the one `evaluateClaims`
 * and the lockout guard use), so a login and a preview can never disagree.
 */
import { compileClaimRules, type ClaimEvaluator } from "../../provider/lockout/evaluate";
import type { ClaimRule, Claims } from "../../provider/schemas/claimMappings";
import type { WorkspaceDatabase } from "../store/database";
import { listClaimMappings, readListVersion } from "../store/claimMappings";
import { listRoles } from "../store/roles";
import type { DecidingRule } from "./loginResult";

/** The outcome for one identity: the role and the rule, or no rule at all. */
export type RoleDecision = { role: string; rule: DecidingRule } | { role: null; rule: null; ruleCount: number };

interface CompiledList {
  db: WorkspaceDatabase;
  version: number;
  rules: ClaimRule[];
  evaluate: ClaimEvaluator;
}

/** The last list compiled, by data file and list version (every claim-mapping write bumps it). */
let compiled: CompiledList | undefined;

function currentList(db: WorkspaceDatabase): CompiledList {
  return db.read(() => {
    const version = readListVersion(db);
    if (compiled !== undefined && compiled.db === db && compiled.version === version) return compiled;
    const roleNames = new Map(listRoles(db).map((role) => [role.id, role.name]));
    // A rule's role always exists (a foreign key), so the id always has a name.
    const rules = listClaimMappings(db).map((m) => ({ claimName: m.claim_name, claimValue: m.claim_value, role: roleNames.get(m.role_id) ?? m.role_id }));
    compiled = { db, version, rules, evaluate: compileClaimRules(rules) };
    return compiled;
  });
}

/** The role `claims` get from the workspace's rules as they are now. */
export function decideRole(db: WorkspaceDatabase, claims: Claims): RoleDecision {
  const list = currentList(db);
  const { role, ruleIndex } = list.evaluate(claims);
  if (role === null || ruleIndex === null) return { role: null, rule: null, ruleCount: list.rules.length };
  const rule = list.rules[ruleIndex]!;
  return { role, rule: { rank: ruleIndex + 1, claimName: rule.claimName, claimValue: rule.claimValue } };
}
