/**
 * `torq-sso test-login --user NAME [--workspace URL] [--login-hint EMAIL] [--expect-role ROLE] [--json]`:
 * signs a test user in headlessly through the local workspace's configured IdP (the dev IdPs of
 * devidp/, or any IdP whose sign-in page picks users with a `user` form field) and prints the role
 * the workspace gave and the rule that decided it. Exits 1 when the workspace refuses the sign-in
 * (or the role is not the expected one), 2 on bad usage.
 */
import { HeadlessSignInError, signInHeadlessly } from "./userAgent/headlessSignIn";
import { parseOptions, UsageError } from "./usage";

const USAGE = "usage: torq-sso test-login --user NAME [--workspace URL] [--login-hint EMAIL] [--expect-role ROLE] [--json]";

/** The sign-in was made but did not end as asked: refused, or another role than expected. */
export class TestLoginFailedError extends Error {
  override readonly name = "TestLoginFailedError";
}

/** Runs the command; returns the exit code. */
export async function testLoginCommand(args: string[]): Promise<number> {
  const { values, switches, rest } = parseOptions(args, { values: ["user", "workspace", "login-hint", "expect-role"], switches: ["json"] });
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (${USAGE})`);
  const user = values.get("user");
  if (user === undefined) throw new UsageError(`test-login needs --user NAME, a test user of the IdP (${USAGE})`);
  const workspaceUrl = values.get("workspace") ?? process.env["TORQ_API_URL"];
  if (workspaceUrl === undefined) throw new UsageError("test-login needs --workspace URL (or TORQ_API_URL): the local workspace to sign in to");
  try {
    new URL(workspaceUrl);
  } catch {
    throw new UsageError(`--workspace must be a URL, not '${workspaceUrl}'`);
  }

  let outcome;
  try {
    outcome = await signInHeadlessly({ workspaceUrl, user, loginHint: values.get("login-hint") });
  } catch (err) {
    if (err instanceof HeadlessSignInError) throw new TestLoginFailedError(`the sign-in of ${user} could not be completed: ${err.message}`);
    throw err;
  }
  if (!outcome.granted) {
    if (switches.has("json")) process.stdout.write(JSON.stringify({ user, granted: false, status: outcome.status, login_error: outcome.loginError ?? null, message: outcome.message }) + "\n");
    throw new TestLoginFailedError(`sign-in of ${user} refused (${outcome.loginError ?? `HTTP ${outcome.status}`}): ${outcome.message}`);
  }
  const { result } = outcome;
  if (switches.has("json")) process.stdout.write(JSON.stringify({ user, granted: true, ...result }) + "\n");
  else process.stdout.write(`${user} (${result.email ?? "no e-mail"}) signed in over ${result.protocol.toUpperCase()} as ${result.role}, by rule ${result.rule.rank}: ${result.rule.claimName} = ${result.rule.claimValue}\n`);
  const expected = values.get("expect-role");
  if (expected !== undefined && expected !== result.role) throw new TestLoginFailedError(`${user} got role ${result.role}, not the expected ${expected}`);
  return 0;
}
