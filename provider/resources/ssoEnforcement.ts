/**
 * `torq.SsoEnforcement`: SSO-only login. Turning it on is refused (the lockout guard) unless the
 * workspace has an enabled SSO provider and a reachable owner e-mail mapping. When the provider or
 * the rules are themselves changing in the same update, the preview cannot see their final state;
 * the guard then runs at apply, against the live workspace, before anything is written.
 */
import { LockoutRefusedError } from "../errors";
import { findOwnerEmailRules } from "../lockout/guard";
import { ssoEnforcementInputsSchema } from "../schemas/ssoProvider";
import { containsUnknown, report, workspaceClient } from "../runtime";
import { toCheckFailures, zodProblems, type CheckFailure } from "./checkFailures";
import { readWorkspace } from "./workspaceView";

export const SSO_ENFORCEMENT_ID = "sso-enforcement";

type Props = Record<string, unknown>;

/** Why SSO-only login would lock the owners out now, or undefined when it is safe. */
async function ssoOnlyProblem(): Promise<string | undefined> {
  const client = workspaceClient();
  const provider = await client.getSsoProvider();
  const view = await readWorkspace(client);
  const owners = findOwnerEmailRules(view.live);
  const problems: string[] = [];
  if (!provider) problems.push("the workspace has no SSO provider");
  else if (!provider.enabled) problems.push("the workspace's SSO provider is disabled");
  if (owners.reachable.length === 0) {
    problems.push(
      owners.indexes.length === 0
        ? "no claim-mapping rule gives Owner to an e-mail address"
        : "every owner e-mail rule is shadowed by an earlier rule for the same claim",
    );
  }
  if (!problems.length) return undefined;
  return (
    `refusing ssoOnly: true: that would be a lockout, because ${problems.join(" and ")}. ` +
    "Declare an enabled torq.SsoProvider and a torq.ClaimMappings rule { claimName: \"email\", claimValue: <an owner's address>, role: \"Owner\" }, " +
    "apply them and test a login, then enforce SSO-only login (pass them as ssoProvider / claimMappings so the order is right)."
  );
}

async function guard(ssoOnly: boolean): Promise<void> {
  if (!ssoOnly) return;
  const problem = await ssoOnlyProblem();
  if (problem) throw new LockoutRefusedError(problem);
}

export const ssoEnforcementProvider = {
  async check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const parsed = ssoEnforcementInputsSchema.safeParse(news);
    if (!parsed.success) return { inputs: news, failures: toCheckFailures(zodProblems(parsed.error)) };
    if (containsUnknown(news)) {
      if (parsed.data.ssoOnly) report("SsoEnforcement: the SSO provider or rules change in this update; the lockout guard runs at apply, before SSO-only login is turned on");
      return { inputs: news, failures: [] };
    }
    if (!parsed.data.ssoOnly) return { inputs: news, failures: [] };
    const problem = await ssoOnlyProblem();
    return { inputs: news, failures: problem ? toCheckFailures([{ path: "", message: problem }]) : [] };
  },

  async diff(_id: string, _olds: Props, news: Props): Promise<{ changes: boolean }> {
    const live = await workspaceClient().getSsoSettings();
    const changes = live.sso_only !== news["ssoOnly"];
    if (changes) report(`SsoEnforcement plan:\n  ssoOnly: ${live.sso_only} → ${String(news["ssoOnly"])}`);
    return { changes };
  },

  async create(news: Props): Promise<{ id: string; outs: Props }> {
    const { ssoOnly } = ssoEnforcementInputsSchema.parse(news);
    await guard(ssoOnly);
    await workspaceClient().putSsoSettings({ sso_only: ssoOnly });
    return { id: SSO_ENFORCEMENT_ID, outs: { ...news, ssoOnly } };
  },

  async update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
    const { ssoOnly } = ssoEnforcementInputsSchema.parse(news);
    await guard(ssoOnly);
    await workspaceClient().putSsoSettings({ sso_only: ssoOnly });
    return { outs: { ...news, ssoOnly } };
  },

  async read(id: string, props: Props): Promise<{ id: string; props: Props }> {
    const live = await workspaceClient().getSsoSettings();
    return { id, props: { ...props, ssoOnly: live.sso_only } };
  },

  /** Deleting the resource returns the workspace to allowing other logins, which can lock nobody out. */
  async delete(): Promise<void> {
    await workspaceClient().putSsoSettings({ sso_only: false });
  },
};
