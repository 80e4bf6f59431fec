/**
 * The provider's watch on the Pulumi engine. The engine is stood in for by a real HTTP/2 server on
 * loopback (gRPC's transport), and "a dynamic-provider process" by a child node whose script sits at
 * a path ending in cmd/dynamic-provider/index.js, as @pulumi/pulumi's does, writing to a real local
 * workspace in a loop.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorkspace, type Workspace } from "../../../emulator";
import { TorqClient } from "../../../provider/client/client";
import { dynamicProviderEngineAddress, refuseWriteWhenEngineGone, watchEngine, type EngineWatch } from "../../../provider/engineWatch";
import { API_BASE_PATH } from "../../../provider/schemas/api";
import { requestLogSchema } from "../../../emulator/testHookSchemas";
import { REPO_ROOT } from "../../support/repo";
import { FakeEngine } from "./fakeEngine";

const PROVIDER_SCRIPT = "/app/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
  return Date.now() - started;
}

describe("engine watch", () => {
  describe("dynamicProviderEngineAddress", () => {
    const cases: { argv: string[]; expected: string | undefined; what: string }[] = [
      { what: "the dynamic provider with the engine address", argv: ["node", PROVIDER_SCRIPT, "127.0.0.1:40269"], expected: "127.0.0.1:40269" },
      {
        what: "the address after the engine's logging and tracing flags",
        argv: ["node", PROVIDER_SCRIPT, "--logtostderr", "-v=9", "--tracing", "http://127.0.0.1:9411/api", "127.0.0.1:40269"],
        expected: "127.0.0.1:40269",
      },
      { what: "the provider started through its folder", argv: ["node", "/app/node_modules/@pulumi/pulumi/cmd/dynamic-provider", "127.0.0.1:1"], expected: "127.0.0.1:1" },
      { what: "the program host, which is no provider", argv: ["node", "/app/node_modules/@pulumi/pulumi/cmd/run/index.js", "--engine=127.0.0.1:1", "."], expected: undefined },
      { what: "mocha", argv: ["node", "/app/node_modules/.bin/mocha", "127.0.0.1:1"], expected: undefined },
      { what: "the provider without an address", argv: ["node", PROVIDER_SCRIPT], expected: undefined },
    ];
    for (const { what, argv, expected } of cases) {
      it(`${expected === undefined ? "finds nothing for" : "finds"} ${what}`, () => {
        expect(dynamicProviderEngineAddress(argv)).to.equal(expected);
      });
    }
  });

  describe("watchEngine", () => {
    let engine: FakeEngine;
    let watch: EngineWatch | undefined;
    beforeEach(async () => {
      engine = await FakeEngine.start();
    });
    afterEach(async () => {
      watch?.stop();
      await engine.die().catch(() => undefined);
    });

    it("keeps a connection open to a live engine and reports nothing", async () => {
      let gone = 0;
      watch = watchEngine(engine.address, { onGone: () => gone++ });
      await until(() => engine.connections === 1, "the watch connects");
      await sleep(300);
      expect(gone).to.equal(0);
      expect(watch.gone()).to.equal(false);
    });

    it("reports a dead engine once, at once", async () => {
      let gone = 0;
      watch = watchEngine(engine.address, { onGone: () => gone++ });
      await until(() => engine.connections === 1, "the watch connects");
      await engine.die();
      const ms = await until(() => gone > 0, "the watch reports the engine gone", 2_000);
      await sleep(200);
      expect(gone).to.equal(1);
      expect(watch.gone()).to.equal(true);
      expect(ms).to.be.below(1_000);
    });

    it("reconnects when the connection drops while the engine still listens", async () => {
      let gone = 0;
      watch = watchEngine(engine.address, { onGone: () => gone++ });
      await until(() => engine.connections === 1, "the watch connects");
      engine.dropConnections();
      await until(() => engine.connections === 0, "the connection is cut");
      await until(() => engine.connections === 1, "the watch connects again");
      expect(gone).to.equal(0);
      await engine.die();
      await until(() => gone === 1, "the watch reports the engine gone");
    });

    it("takes a parent that changed for a dead engine, checked whenever asked", () => {
      let gone = 0;
      watch = watchEngine(engine.address, { onGone: () => gone++, parentPid: process.ppid + 1 });
      expect(watch.gone()).to.equal(true);
      expect(gone).to.equal(1);
    });
  });

  it("refuses nothing in a process that is no dynamic provider (this one)", () => {
    expect(() => refuseWriteWhenEngineGone("POST", "http://127.0.0.1/x")).to.not.throw();
  });

  describe("in a dynamic-provider process writing to a workspace", function () {
    this.timeout(30_000);
    let workspace: Workspace;
    let engine: FakeEngine;
    let dir: string;
    let script: string;
    const children: ChildProcess[] = [];
    const providers: number[] = [];

    before(async () => {
      workspace = await startWorkspace({ port: 0, testHooks: true, rateLimitPerSecond: null });
      dir = mkdtempSync(path.join(tmpdir(), "torq-sso-engine-watch-"));
      script = path.join(dir, "cmd", "dynamic-provider", "index.js");
      mkdirSync(path.dirname(script), { recursive: true });
      // Loads the provider as the shim does, then writes (a create every 20 ms) until stopped.
      writeFileSync(
        script,
        `require(${JSON.stringify(path.join(REPO_ROOT, "dist", "provider", "index.js"))});
const { TorqClient } = require(${JSON.stringify(path.join(REPO_ROOT, "dist", "provider", "client", "client.js"))});
const client = new TorqClient(JSON.parse(process.env.WORKSPACE));
let n = 0;
process.stdout.write(process.pid + "\\n");
(async () => {
  for (;;) {
    await client.createClaimMapping({ claim_name: "groups", claim_value: "g" + n++, role_id: process.env.ROLE_ID }).catch((e) => process.stderr.write(e.code + "\\n"));
    await new Promise((r) => setTimeout(r, 20));
  }
})();
`,
      );
    });
    beforeEach(async () => {
      engine = await FakeEngine.start();
      await fetch(`${workspace.url}/_local/reset`, { method: "POST" });
    });
    afterEach(async () => {
      for (const child of children.splice(0)) child.kill("SIGKILL");
      for (const pid of providers.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
      await engine.die().catch(() => undefined);
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await workspace?.close();
    });

    async function writes(): Promise<number[]> {
      const log = requestLogSchema.parse(await (await fetch(`${workspace.url}/_local/requests`)).json()).requests;
      return log.filter((r) => r.method === "POST" && r.path === `${API_BASE_PATH}/sso/claim_mappings`).map((r) => Date.parse(r.at));
    }

    /** Starts the provider (through `sh` when `viaShell`, as Pulumi's own launcher does) and answers its pid once it has written. */
    async function startProvider(viaShell: boolean): Promise<{ pid: number; parent: ChildProcess }> {
      const connection = { apiUrl: workspace.url, authUrl: workspace.url, clientId: workspace.ownerKey.client_id, clientSecret: workspace.ownerKey.client_secret };
      const viewer = (await new TorqClient(connection).listRoles()).find((r) => r.name === "Viewer")!.id;
      const env = { ...process.env, WORKSPACE: JSON.stringify(connection), ROLE_ID: viewer };
      const args = [script, engine.address];
      const parent = viaShell
        ? spawn("sh", ["-c", `"${process.execPath}" "$@"; exit 0`, "sh", ...args], { env, stdio: ["ignore", "pipe", "inherit"] })
        : spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
      children.push(parent);
      const [line] = (await once(parent.stdout!, "data")) as [Buffer];
      const pid = Number(line.toString().trim());
      providers.push(pid);
      await until(() => engine.connections === 1, "the provider connects to the engine");
      return { pid, parent };
    }

    /** Whether the process runs (a zombie waiting for whoever adopted it to reap it does not). */
    function alive(pid: number): boolean {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return false;
      }
    }

    it("exits as soon as the engine dies, and nothing is written after", async () => {
      const { pid } = await startProvider(true);
      await sleep(300);
      expect((await writes()).length, "writes before").to.be.above(0);
      const diedAt = Date.now();
      await engine.die();
      const ms = await until(() => !alive(pid), "the provider exits", 3_000);
      const exitedAt = Date.now();
      await sleep(300);
      expect((await writes()).filter((at) => at > exitedAt), "writes after the provider exited").to.deep.equal([]);
      expect(exitedAt - diedAt).to.be.below(2_000);
      expect(ms).to.be.below(2_000);
    });

    it("exits at its next write once its parent is gone, even while the engine still listens", async () => {
      const { pid, parent } = await startProvider(true);
      await sleep(300);
      parent.kill("SIGKILL");
      await once(parent, "exit");
      const parentGoneAt = Date.now();
      await until(() => !alive(pid), "the provider exits", 3_000);
      await sleep(300);
      // The write in flight when the parent died may land; none is started later.
      expect((await writes()).filter((at) => at > parentGoneAt + 200)).to.deep.equal([]);
    });
  });
});
