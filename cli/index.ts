#!/usr/bin/env node
/**
 * The `torq-sso` command: the local workspace, SAML metadata inspection, and claim evaluation.
 * Every command and subcommand answers --help (exit 0); each exits non-zero with a one-line reason
 * on bad input.
 */
import { commandGroups, commandHelp, findCommand, groupHelp, overviewHelp } from "./commands";
import { UsageError } from "./usage";

const HELP_FLAGS = new Set(["--help", "-h"]);

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (first === undefined || HELP_FLAGS.has(first) || first === "help") {
    process.stdout.write(overviewHelp() + "\n");
    return first === undefined ? 2 : 0;
  }
  const found = findCommand(argv);
  if (found !== undefined) {
    if (found.args.some((arg) => HELP_FLAGS.has(arg))) {
      process.stdout.write(commandHelp(found.spec) + "\n");
      return 0;
    }
    return found.spec.run(found.args);
  }
  if (commandGroups().has(first)) {
    if (argv.slice(1).some((arg) => HELP_FLAGS.has(arg))) {
      process.stdout.write(groupHelp(first) + "\n");
      return 0;
    }
    const verb = argv[1];
    throw new UsageError(
      verb === undefined ? `${first} needs a command (see torq-sso ${first} --help)` : `unknown command '${first} ${verb}' (see torq-sso ${first} --help)`,
    );
  }
  throw new UsageError(`unknown command '${first}' (see torq-sso --help)`);
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
