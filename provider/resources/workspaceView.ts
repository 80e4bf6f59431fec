/**
 * One read of what the workspace holds that the claim-mapping logic needs: roles (to turn names into
 * ids and back), the live rules in rank order with their ETag, and whether an SSO provider exists.
 */
import type { TorqClient } from "../client/client";
import type { ClaimMapping, Role } from "../schemas/api";
import type { ClaimRule } from "../schemas/claimMappings";

/** A live rule: the declared shape plus its id and rank in the workspace. */
export interface LiveClaimRule extends ClaimRule {
  id: string;
  rank: number;
}

export interface RoleDirectory {
  idByName: Map<string, string>;
  nameById: Map<string, string>;
  names: string[];
}

export function roleDirectory(roles: readonly Role[]): RoleDirectory {
  return {
    idByName: new Map(roles.map((r) => [r.name, r.id])),
    nameById: new Map(roles.map((r) => [r.id, r.name])),
    names: roles.map((r) => r.name),
  };
}

/** A rule whose role id the workspace no longer lists is shown by id, so it never equals a declared rule. */
export function toLiveRules(items: readonly ClaimMapping[], roles: RoleDirectory): LiveClaimRule[] {
  return items.map((m) => ({
    id: m.id,
    rank: m.rank,
    claimName: m.claim_name,
    claimValue: m.claim_value,
    role: roles.nameById.get(m.role_id) ?? `unknown role ${m.role_id}`,
  }));
}

export interface WorkspaceView {
  roles: RoleDirectory;
  live: LiveClaimRule[];
  etag: string | undefined;
  /** Torq's documented API cannot say; then the guard assumes a provider exists (the safe side). */
  ssoProviderExists: boolean;
  ssoProviderKnown: boolean;
}

export async function readWorkspace(client: TorqClient): Promise<WorkspaceView> {
  const [roleList, list, provider] = await Promise.all([client.listRoles(), client.listClaimMappings(), client.hasSsoProvider()]);
  const roles = roleDirectory(roleList);
  return {
    roles,
    live: toLiveRules(list.items, roles),
    etag: list.etag,
    ssoProviderExists: provider !== false,
    ssoProviderKnown: provider !== "unknown",
  };
}

export function sameRule(a: ClaimRule, b: ClaimRule): boolean {
  return a.claimName === b.claimName && a.claimValue === b.claimValue && a.role === b.role;
}

export function sameRuleList(a: readonly ClaimRule[], b: readonly ClaimRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => sameRule(rule, b[i]!));
}

export function bareRule(rule: ClaimRule): ClaimRule {
  return { claimName: rule.claimName, claimValue: rule.claimValue, role: rule.role };
}
