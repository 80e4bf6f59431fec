/**
 * The lockout guard's question — which owner e-mail rules can an owner whose other claims are
 * unknown still reach? (`reachableOwnerEmailRules` in lockoutGuard.ts) — asked of the stored list
 * in SQL, so a write need not read the whole list: the partial indexes of schema.ts lead straight
 * to the owner e-mail rules and to the first rule that shadows everything below it. A property test
 * holds this query to the pure function on random lists.
 */
import { EMAIL_CLAIM, type NamedRule } from "../lockoutGuard";
import type { WorkspaceDatabase } from "./database";
import { OWNER_ROLE_ID } from "./presetRoles";

// The literals must read exactly as in the partial indexes' WHERE clauses (schema.ts); INDEXED BY
// makes SQLite refuse the query, rather than quietly scan, if they ever drift apart.
const REACHABLE_OWNER_EMAIL_RULES = `
SELECT c.id, c.claim_name, c.claim_value
  FROM claim_mappings AS c INDEXED BY claim_mappings_owner_email
 WHERE c.claim_name = '${EMAIL_CLAIM}' AND c.role_id = '${OWNER_ROLE_ID}'
   -- (b) above the first rule on another claim that gives another role
   AND c.position < coalesce(
         (SELECT s.position FROM claim_mappings AS s
           WHERE s.claim_name <> '${EMAIL_CLAIM}' AND s.role_id <> '${OWNER_ROLE_ID}'
             -- a rule below another with its claim and value never decides
             AND NOT EXISTS (SELECT 1 FROM claim_mappings AS d
                              WHERE d.claim_name = s.claim_name AND d.claim_value = s.claim_value AND d.position < s.position)
           ORDER BY s.position LIMIT 1),
         9223372036854775807)
   -- (a) the first e-mail rule with its value
   AND NOT EXISTS (SELECT 1 FROM claim_mappings AS e
                    WHERE e.claim_name = '${EMAIL_CLAIM}' AND e.claim_value = c.claim_value AND e.position < c.position)
 ORDER BY c.position
 LIMIT :limit`;

/** The stored list's reachable owner e-mail rules, in rank order (at most `limit`; -1: all). */
export function storedReachableOwnerEmailRules(db: WorkspaceDatabase, limit = -1): NamedRule[] {
  return db.all<NamedRule>(REACHABLE_OWNER_EMAIL_RULES, { limit });
}

/** Whether the stored list has a reachable owner e-mail rule. */
export function storedListHasReachableOwnerEmailRule(db: WorkspaceDatabase): boolean {
  return storedReachableOwnerEmailRules(db, 1).length > 0;
}
