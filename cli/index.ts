#!/usr/bin/env node
/**
 * The `torq-sso` command: the local workspace, SAML metadata inspection, and claim evaluation.
 * Every subcommand exits non-zero with a one-line reason on bad input.
 */
import { evaluateCommand } from "./evaluate";
import { inspectCommand } from "./metadata";
import { reviewCommand } from "./review";
import { testLoginCommand } from "./testLogin";
import { UsageError } from "./usage";
import { serveCommand } from "./workspace";

const HELP = `usage: torq-sso <command>

  workspace serve [--port N] [--data FILE] [--test-hooks] [--torq-compatible] [--json]
                                  run the local workspace API
  metadata inspect <file|url> [--json]
                                  show what SAML IdP metadata declares
  evaluate --mappings FILE --claims JSON [--json]
                                  which rule and role an identity gets
  review [--json] [FILE]          the pull-request report of a \`pulumi preview --json\`
  test-login --user NAME [--workspace URL] [--login-hint EMAIL] [--expect-role ROLE] [--json]
                                  sign a test user in through the local workspace's IdP`;

type Command = (args: string[]) => Promise<number>;

function commandFor(group: string | undefined, verb: string | undefined): Command | undefined {
  if (group === "workspace" && verb === "serve") return serveCommand;
  if (group === "metadata" && verb === "inspect") return inspectCommand;
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (group === undefined || group === "--help" || group === "-h" || group === "help") {
    process.stdout.write(HELP + "\n");
    return group === undefined ? 2 : 0;
  }
  if (group === "evaluate") return evaluateCommand(argv.slice(1));
  if (group === "test-login") return testLoginCommand(argv.slice(1));
  if (group === "review") return reviewCommand(argv.slice(1));
  const command = commandFor(group, verb);
  if (!command) throw new UsageError(`unknown command '${[group, verb].filter(Boolean).join(" ")}' (see torq-sso --help)`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`torq-sso: ${message.split("\n")[0]}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
