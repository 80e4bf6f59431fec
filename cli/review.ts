/**
 * `torq-sso review [--json] [FILE]`: the pull-request report of a `pulumi preview --json` (FILE, or
 * standard input). It plans each changed resource of this package with the provider's own planner,
 * against the workspace as it is now (the stack's config from the preview, credentials from the
 * environment: TORQ_CLIENT_SECRET, and TORQ_API_URL / TORQ_CLIENT_ID when the stack's config lacks
 * them). Exit 0: no change; 2: changes; 1: refused or error.
 */
import { readFileSync } from "node:fs";
import { buildReview, reviewExitCode } from "./review/buildReview";
import { previewJsonSchema } from "./review/previewJson";
import { renderMarkdown } from "./review/renderMarkdown";
import { parseOptions, UsageError } from "./usage";

export const REVIEW_HELP = `usage: torq-sso review [--json] [FILE]

Reads the output of \`pulumi preview --json\` (FILE, or standard input) and writes a report for a pull
request: Markdown, or JSON with --json. Each changed pulumi-torq-sso resource is planned with the
provider's own planner against the workspace as it is now, using the stack's config from the preview
and the credentials in the environment (TORQ_CLIENT_SECRET; TORQ_API_URL, TORQ_CLIENT_ID and
TORQ_REGION when the stack's config does not set them).

Exit status: 0 no change, 2 changes, 1 refused (the preview failed or the guard refuses) or error.`;

/** A failure of the review itself: exit 1, not the usage exit 2, which means "changes" here. */
class ReviewInputError extends Error {
  override readonly name = "ReviewInputError";
}

function readInput(file: string | undefined): string {
  try {
    return readFileSync(file ?? 0, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReviewInputError(`cannot read ${file ?? "standard input"}: ${code === "ENOENT" ? "no such file" : code ?? String(err)}`);
  }
}

/** Runs the command; returns its exit code. */
export async function reviewCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args, { switches: ["json", "help"] });
  } catch (err) {
    throw new ReviewInputError(err instanceof UsageError ? `${err.message} (see torq-sso review --help)` : String(err));
  }
  const { switches, rest } = parsed;
  if (switches.has("help")) {
    process.stdout.write(REVIEW_HELP + "\n");
    return 0;
  }
  if (rest.length > 1) throw new ReviewInputError(`unexpected argument '${rest[1]}' (see torq-sso review --help)`);
  const text = readInput(rest[0]);
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    throw new ReviewInputError(`${rest[0] ?? "standard input"} is not JSON: give it the output of \`pulumi preview --json\``);
  }
  const preview = previewJsonSchema.safeParse(data);
  if (!preview.success) throw new ReviewInputError(`${rest[0] ?? "standard input"} is not the output of \`pulumi preview --json\` (${preview.error.issues[0]?.message ?? "unexpected shape"})`);
  const review = await buildReview(preview.data);
  process.stdout.write(switches.has("json") ? JSON.stringify(review, null, 2) + "\n" : renderMarkdown(review));
  return reviewExitCode(review);
}
