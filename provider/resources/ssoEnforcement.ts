/**
 * `torq.SsoEnforcement`: SSO-only login. Turning it on is refused (the lockout guard) unless the
 * workspace has an enabled SSO provider and a reachable owner e-mail mapping. When the provider or
 * the rules are themselves changing in the same update, the preview cannot see their final state;
 * the guard then runs at apply, against the live workspace, before anything is written.
 */
import { TorqUnsupportedError } from "../client/errors";
import { report } from "../diagnostics";
import { LockoutRefusedError, oneLineErrors } from "../errors";
import { declaredOwnersOf } from "../lockout/guard";
import { findOwnerEmailRules, ownersCanSignIn } from "../rules/ownerSafety";
import type { BreakGlassOwner } from "../schemas/claimMappings";
import { ssoEnforcementInputsSchema } from "../schemas/ssoProvider";
import { containsUnknown, UNKNOWN } from "../unknowns";
import { workspace } from "../workspaceContext";
import { toCheckFailures, zodProblems, type CheckFailure } from "./checkFailures";
import { readWorkspace } from "./workspaceView";

export const SSO_ENFORCEMENT_ID = "sso-enforcement";

type Props = Record<string, unknown>;

/**
 * Why SSO-only login would lock the owners out now, or undefined when it is safe; `vouched` when the
 * owners can sign in only thanks to the owners declared in `breakGlassOwners`, which the workspace's
 * own check cannot know.
 */
async function ssoOnlyProblem(breakGlassOwners: readonly BreakGlassOwner[] | undefined): Promise<{ problem?: string; vouched: boolean }> {
  const client = workspace().client;
  const provider = await client.getSsoProvider();
  const view = await readWorkspace(client);
  const owners = findOwnerEmailRules(view.live);
  const strict = ownersCanSignIn(view.live, { ssoProviderExists: true });
  const safe = strict || ownersCanSignIn(view.live, { ssoProviderExists: true, declaredOwners: declaredOwnersOf(breakGlassOwners) });
  const problems: string[] = [];
  if (!provider) problems.push("the workspace has no SSO provider");
  else if (!provider.enabled) problems.push("the workspace's SSO provider is disabled");
  if (!safe) {
    problems.push(
      owners.indexes.length === 0
        ? "no claim-mapping rule gives Owner to an e-mail address"
        : "every owner e-mail rule is shadowed by an earlier rule (one with the same e-mail, or on another claim such as groups that gives another role and could match an owner)",
    );
  }
  if (!problems.length) return { vouched: !strict };
  return {
    vouched: false,
    problem:
      `refusing ssoOnly: true: that would be a lockout, because ${problems.join(" and ")}. ` +
      "Declare an enabled torq.SsoProvider and a torq.ClaimMappings rule { claimName: \"email\", claimValue: <an owner's address>, role: \"Owner\" } above every rule on another claim, " +
      "apply them and test a login, then enforce SSO-only login (pass them as ssoProvider / claimMappings so the order is right).",
  };
}

/** Turns SSO-only login on or off, after the guard; returns the inputs as applied. */
async function applySsoOnly(news: Props): Promise<Props> {
  const inputs = ssoEnforcementInputsSchema.parse(news);
  let vouched = false;
  if (inputs.ssoOnly) {
    const verdict = await ssoOnlyProblem(inputs.breakGlassOwners);
    if (verdict.problem) throw new LockoutRefusedError(verdict.problem);
    vouched = verdict.vouched;
  }
  await workspace().client.putSsoSettings({ sso_only: inputs.ssoOnly }, { allowLockout: vouched });
  return { ...news, ssoOnly: inputs.ssoOnly };
}

/**
 * Whether the SSO provider or the rules passed to the resource change in this update, so the preview
 * cannot see their final state (see `pendingSignals` in the sdk): an unknown value, or rules that
 * have no workspace id yet.
 */
export function dependenciesPending(news: Props): boolean {
  return containsUnknown(news["ssoProviderEnabled"]) || containsUnknown(news["claimMappingsApplied"]) || news["claimMappingsApplied"] === false;
}

/** The one sentence for a server without the settings route, or undefined when it has it. */
async function unsupportedProblem(): Promise<string | undefined> {
  const client = workspace().client;
  if (await client.supportsProviderRoutes()) return undefined;
  try {
    await client.getSsoSettings(); // throws the client's one sentence for a server without the routes
  } catch (err) {
    if (err instanceof TorqUnsupportedError) return err.message;
    throw err;
  }
  return undefined;
}

export const ssoEnforcementProvider = {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    return oneLineErrors(async () => {
      const unsupported = await unsupportedProblem();
      if (unsupported) return { inputs: news, failures: toCheckFailures([{ path: "", message: unsupported }]) };
      if (news["ssoOnly"] === UNKNOWN) return { inputs: news, failures: [] };
      // The SDK's signals and the rules' owners are unknown at preview while those resources change.
      const known = Object.fromEntries(Object.entries(news).filter(([, value]) => !containsUnknown(value)));
      const parsed = ssoEnforcementInputsSchema.safeParse(known);
      if (!parsed.success) return { inputs: news, failures: toCheckFailures(zodProblems(parsed.error)) };
      if (!parsed.data.ssoOnly) return { inputs: news, failures: [] };
      if (dependenciesPending(news) || containsUnknown(news["breakGlassOwners"])) {
        // Said only when SSO-only login is being turned on; kept on, there is nothing to guard.
        if (olds["ssoOnly"] !== true) report("SsoEnforcement: the SSO provider or rules change in this update; the lockout guard runs at apply, before SSO-only login is turned on");
        return { inputs: news, failures: [] };
      }
      const { problem } = await ssoOnlyProblem(parsed.data.breakGlassOwners);
      return { inputs: news, failures: problem ? toCheckFailures([{ path: "", message: problem }]) : [] };
    });
  },

  diff(_id: string, _olds: Props, news: Props): Promise<{ changes: boolean }> {
    return oneLineErrors(async () => {
      const live = await workspace().client.getSsoSettings();
      const changes = live.sso_only !== news["ssoOnly"];
      if (changes) report(`SsoEnforcement plan:\n  ssoOnly: ${live.sso_only} → ${news["ssoOnly"] === UNKNOWN ? "(known at apply)" : String(news["ssoOnly"])}`);
      return { changes };
    });
  },

  create(news: Props): Promise<{ id: string; outs: Props }> {
    return oneLineErrors(async () => ({ id: SSO_ENFORCEMENT_ID, outs: await applySsoOnly(news) }));
  },

  update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
    return oneLineErrors(async () => ({ outs: await applySsoOnly(news) }));
  },

  read(id: string, props: Props): Promise<{ id: string; props: Props }> {
    return oneLineErrors(async () => {
      const live = await workspace().client.getSsoSettings();
      return { id, props: { ...props, ssoOnly: live.sso_only } };
    });
  },

  /** Deleting the resource returns the workspace to allowing other logins, which can lock nobody out. */
  delete(): Promise<void> {
    return oneLineErrors(async () => {
      await workspace().client.putSsoSettings({ sso_only: false });
    });
  },
};
