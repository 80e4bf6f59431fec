/**
 * One read of what the workspace holds that the claim-mapping logic needs: roles (to turn names into
 * ids and back), the live rules in rank order with their ETag, and — asked only when it matters —
 * whether an SSO provider exists.
 */
import type { TorqClient } from "../client/client";
import type { LiveRule } from "../rules/rule";
import type { ClaimMapping, Role } from "../schemas/api";

/** The workspace's roles by name and by id. */
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

/** The API's rules as live rules; a rule whose role id the workspace no longer lists is shown by id, so it never equals a declared rule. */
export function toLiveRules(items: readonly ClaimMapping[], roles: RoleDirectory): LiveRule[] {
  return items.map((m) => ({
    id: m.id,
    claimName: m.claim_name,
    claimValue: m.claim_value,
    role: roles.nameById.get(m.role_id) ?? `unknown role ${m.role_id}`,
  }));
}

/** The workspace as one read saw it. */
export interface WorkspaceView {
  roles: RoleDirectory;
  /** The rules in rank order: a rule's rank is its index + 1. */
  live: LiveRule[];
  etag: string | undefined;
  /**
   * Whether the workspace has an SSO provider, asked the first time it is needed (two requests) and
   * then remembered. Torq's documented API cannot say: then true, the safe side for the guard.
   */
  ssoProviderExists(): Promise<boolean>;
}

export async function readWorkspace(client: TorqClient): Promise<WorkspaceView> {
  const [roleList, list] = await Promise.all([client.listRoles(), client.listClaimMappings()]);
  const roles = roleDirectory(roleList);
  let provider: Promise<boolean> | undefined;
  return {
    roles,
    live: toLiveRules(list.items, roles),
    etag: list.etag,
    ssoProviderExists: () => (provider ??= client.hasSsoProvider().then((answer) => answer !== false)),
  };
}

/** The rules of a list as the workspace ranks them: each with its id and 1-based rank. */
export function withRanks(rules: readonly LiveRule[]): (LiveRule & { rank: number })[] {
  return rules.map((r, i) => ({ claimName: r.claimName, claimValue: r.claimValue, role: r.role, id: r.id, rank: i + 1 }));
}
