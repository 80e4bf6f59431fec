/**
 * The commands of `torq-sso`: the words that name each one, how it is called, what it does and its
 * options — what `torq-sso --help`, `torq-sso <group> --help` and `torq-sso <command> --help` print
 * (CONTRACT.md section 4: every command and subcommand answers --help with exit 0).
 */
import { evaluateCommand } from "./evaluate";
import { inspectCommand } from "./metadata";
import { REVIEW_HELP, reviewCommand } from "./review";
import { testLoginCommand } from "./testLogin";
import { serveCommand } from "./workspace";

/** A command's entry point: its arguments after the words that name it; resolves to the exit code. */
export type Command = (args: string[]) => Promise<number>;

/** One command of `torq-sso`. */
export interface CommandSpec {
  /** The words that name it, e.g. `["workspace", "serve"]`. */
  readonly words: readonly string[];
  /** Its arguments, as the usage line shows them. */
  readonly synopsis: string;
  /** What it does, in a few words (the overview's line). */
  readonly summary: string;
  /** Its options and notes, one per line, for its own --help. */
  readonly details: readonly string[];
  /** Its whole --help text, when the command module writes its own (then `details` is not used). */
  readonly help?: string;
  readonly run: Command;
}

const FLEET_RUN_OPTIONS = [
  "FILE                the fleet file (YAML or JSON): workspaces, baseline, waves (see the README's Fleet section)",
  "--only A,B          only these workspaces (e.g. one CI matrix job's)",
  "--concurrency N     workspaces at once (default: the file's concurrency, else twice the machine's cores)",
  "--json              print the report as JSON (what fleet merge-reports reads) instead of Markdown",
  "Credentials come from the environment variables the file names; the backend from the file's `backend`",
  "or PULUMI_BACKEND_URL (PULUMI_CONFIG_PASSPHRASE for a self-managed backend's secrets).",
  "Ctrl-C or SIGTERM: no new workspace starts, running ones are cancelled and their stacks unlocked (exit 130).",
];

/** A fleet command, loaded when run: the Automation API it needs is not worth loading for the other commands. */
function fleetCommand(name: "fleetPreviewCommand" | "fleetUpCommand" | "fleetDriftCommand" | "fleetMatrixCommand" | "fleetMergeReportsCommand"): Command {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, see above
  return (args) => (require("./fleet") as typeof import("./fleet"))[name](args);
}

/** Every command, in the order the overview lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ["workspace", "serve"],
    synopsis: "[--port N] [--data FILE] [--test-hooks] [--torq-compatible] [--json]",
    summary: "run the local workspace API",
    details: [
      "--port N            TCP port on 127.0.0.1 (default 0: any free port)",
      "--data FILE         SQLite file that keeps the workspace (default: in memory); created mode 0600,",
      "                    its key in FILE.key (0600) unless TORQ_LOCAL_WORKSPACE_KEY gives it (64 hex digits)",
      "--test-hooks        serve /_local/* (API keys, roles, faults, request log, reset, login log)",
      "--torq-compatible   switch the [local] extensions off, to behave as Torq documents its API",
      "--json              print one line {url, client_id, client_secret} instead of the banner",
      "Runs until SIGINT or SIGTERM; prints the URL and the Owner API key.",
    ],
    run: serveCommand,
  },
  {
    words: ["metadata", "inspect"],
    synopsis: "<file|url> [--json]",
    summary: "show what SAML IdP metadata declares",
    details: [
      "<file|url>          a metadata file, or an https URL (http only to a loopback host)",
      "--json              print {entities: [{entityId, singleSignOnServices, certificates}]}",
    ],
    run: inspectCommand,
  },
  {
    words: ["evaluate"],
    synopsis: "--mappings FILE --claims JSON [--json]",
    summary: "which rule and role an identity gets",
    details: [
      "--mappings FILE     a JSON array of {claimName, claimValue, role}, or an object with a mappings array",
      `--claims JSON       the identity's claims, e.g. '{"email":"a@x.io","groups":["sre"]}'`,
      "--json              print {role, ruleIndex, rule}",
    ],
    run: evaluateCommand,
  },
  {
    words: ["review"],
    synopsis: "[--json] [FILE]",
    summary: "the pull-request report of a `pulumi preview --json`",
    details: [],
    help: REVIEW_HELP,
    run: reviewCommand,
  },
  {
    words: ["test-login"],
    synopsis: "--user NAME [--workspace URL] [--login-hint EMAIL] [--expect-role ROLE] [--json]",
    summary: "sign a test user in through the local workspace's IdP",
    details: [
      "--user NAME         a test user of the IdP (the dev IdPs of devidp/)",
      "--workspace URL     the local workspace (default: TORQ_API_URL)",
      "--login-hint EMAIL  sent to the IdP when the provider has send_login_hint",
      "--expect-role ROLE  exit 1 unless the workspace gives this role",
      "--json              print the outcome as one JSON line",
      "Exits 1 when the workspace refuses the sign-in, 2 on bad usage.",
    ],
    run: testLoginCommand,
  },
  {
    words: ["fleet", "preview"],
    synopsis: "FILE [--only A,B] [--concurrency N] [--json]",
    summary: "preview every workspace of a fleet: one review, a section per workspace",
    details: [...FLEET_RUN_OPTIONS, "Exit status: 0 no change, 2 changes, 1 a workspace refused or failed (or bad input)."],
    run: fleetCommand("fleetPreviewCommand"),
  },
  {
    words: ["fleet", "up"],
    synopsis: "FILE [--only A,B] [--concurrency N] [--json]",
    summary: "apply the fleet wave by wave, stopping before the next wave at a refusal or failure",
    details: [
      ...FLEET_RUN_OPTIONS,
      "Waves run in the file's order; a wave starts only when every workspace of the one before applied.",
      "Exit status: 0 applied everywhere, 1 refused, failed or stopped, 130 interrupted (both say what to run to finish).",
    ],
    run: fleetCommand("fleetUpCommand"),
  },
  {
    words: ["fleet", "drift"],
    synopsis: "FILE [--only A,B] [--concurrency N] [--json]",
    summary: "pulumi preview --expect-no-changes on every workspace: a verdict each",
    details: [...FLEET_RUN_OPTIONS, "Exit status: 0 every workspace in sync, 2 drift found, 1 a workspace refused or failed."],
    run: fleetCommand("fleetDriftCommand"),
  },
  {
    words: ["fleet", "matrix"],
    synopsis: "FILE [--shards N] [--wave NAME]",
    summary: "the fleet as a CI matrix (JSON): an entry per workspace, or N shards",
    details: [
      "FILE                the fleet file",
      "--shards N          N entries of contiguous workspaces (wave order) instead of one per workspace",
      "--wave NAME         only the workspaces of this wave",
      'Prints {"include":[{"name","workspaces","wave"}]} on one line: GitHub Actions\' strategy.matrix,',
      "with `workspaces` the value of --only for the job.",
    ],
    run: fleetCommand("fleetMatrixCommand"),
  },
  {
    words: ["fleet", "merge-reports"],
    synopsis: "[--json] REPORT...",
    summary: "join the --json reports of a matrix's jobs into one review",
    details: [
      "REPORT...           reports of one operation, each from torq-sso fleet preview|up|drift --json",
      "--json              print the merged report as JSON instead of Markdown",
      "Exit status as the operation's: 0 no change, 2 changes or drift, 1 refused, failed or bad input.",
    ],
    run: fleetCommand("fleetMergeReportsCommand"),
  },
];

function usageLine(spec: CommandSpec): string {
  return `torq-sso ${spec.words.join(" ")} ${spec.synopsis}`;
}

/** `torq-sso --help`: every command, one usage line and summary each. */
export function overviewHelp(): string {
  const lines = ["usage: torq-sso <command>", ""];
  for (const spec of COMMANDS) lines.push(`  ${spec.words.join(" ")} ${spec.synopsis}`, `                                  ${spec.summary}`);
  lines.push("", "Each command answers --help.");
  return lines.join("\n");
}

/** `torq-sso <command> --help`: its usage line, what it does, and its options. */
export function commandHelp(spec: CommandSpec): string {
  if (spec.help !== undefined) return spec.help;
  return [`usage: ${usageLine(spec)}`, "", `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, "", ...spec.details.map((line) => `  ${line}`)].join("\n");
}

/** `torq-sso <group> --help`: the group's commands. */
export function groupHelp(group: string): string {
  const members = COMMANDS.filter((spec) => spec.words.length > 1 && spec.words[0] === group);
  return [`usage: torq-sso ${group} <command>`, "", ...members.map((spec) => `  ${usageLine(spec)}\n      ${spec.summary}`)].join("\n");
}

/** The groups (first words of multi-word commands), e.g. `workspace`, `metadata`. */
export function commandGroups(): Set<string> {
  return new Set(COMMANDS.filter((spec) => spec.words.length > 1).map((spec) => spec.words[0]!));
}

/** The command `argv` names and the arguments after its words, or undefined. */
export function findCommand(argv: readonly string[]): { spec: CommandSpec; args: string[] } | undefined {
  for (const spec of COMMANDS) {
    if (spec.words.every((word, index) => argv[index] === word)) return { spec, args: argv.slice(spec.words.length) };
  }
  return undefined;
}
