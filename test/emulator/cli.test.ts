import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { tokenResponseSchema } from "../../provider/schemas/api";
import { makeTempDir, removeTempDir, requestToken } from "./workspaceHarness";

const CLI = join(__dirname, "..", "..", "cli", "index.js");

describe("torq-sso workspace serve", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeTempDir(dir));

  it("prints exactly one JSON line with --json, serves the token endpoint, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "workspace", "serve", "--json", "--port", "0", "--data", join(dir, "ws.db")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const lines = createInterface({ input: child.stdout });
    const line = await Promise.race([
      once(lines, "line").then(([first]) => first as string),
      once(child, "exit").then(([code]) => {
        throw new Error(`the command exited (${String(code)}) before printing its line: ${stderr}`);
      }),
    ]);
    const printed = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(printed)).to.deep.equal(["url", "client_id", "client_secret"]);
    expect(printed["url"]).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

    const answer = await requestToken(printed["url"]!, { client_id: printed["client_id"]!, client_secret: printed["client_secret"]! });
    expect(answer.status).to.equal(200);
    tokenResponseSchema.parse(answer.body);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).to.equal(0);
    expect(stdout.trim().split("\n")).to.have.length(1);
  });

  for (const args of [["--port", "http"], ["--port", "70000"], ["--bogus"], ["extra"], ["--data"]]) {
    it(`exits non-zero with a one-line reason for ${args.join(" ")}`, async () => {
      const child = spawn(process.execPath, [CLI, "workspace", "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).not.to.equal(0);
      expect(stderr.trim().split("\n")).to.have.length(1);
      expect(stderr).to.match(/^torq-sso: /);
    });
  }
});
