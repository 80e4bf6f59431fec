/**
 * The Pulumi CLI as the fleet runs it: each `pulumi` in a session of its own, so that a Ctrl-C at the
 * terminal reaches `torq-sso` alone. `torq-sso` then sends each running `pulumi` exactly one SIGINT,
 * Pulumi's graceful cancel (in-flight resource operations finish, the stack is unlocked). Without its
 * own session a `pulumi` would get the terminal's SIGINT *and* the one the Automation API forwards on
 * abort, and a second SIGINT makes Pulumi terminate at once.
 */
import { accessSync, constants, chmodSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { PulumiCliMissingError } from "./errors";

/** The first executable `name` on PATH, or undefined. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * The `PulumiCommand` for a fleet run: `pulumi` from PATH, started through `setsid` when the machine
 * has it (a wrapper script in `scratchDir/bin`); otherwise `pulumi` itself.
 */
export async function fleetPulumiCommand(scratchDir: string): Promise<PulumiCommand> {
  const pulumi = onPath("pulumi");
  if (!pulumi) throw new PulumiCliMissingError("the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) and try again");
  const setsid = onPath("setsid");
  if (!setsid) return PulumiCommand.get();
  const bin = path.join(scratchDir, "bin");
  mkdirSync(bin, { recursive: true });
  const wrapper = path.join(bin, "pulumi");
  // `setsid` called from a process that is not a group leader (a spawned child never is) execs in place: same pid, new session.
  writeFileSync(wrapper, `#!/bin/sh\nexec ${shellQuote(setsid)} ${shellQuote(pulumi)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return PulumiCommand.get({ root: scratchDir });
}
