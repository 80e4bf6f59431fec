/**
 * The plugin's own share of a no-change `pulumi preview` of one ClaimMappings at N rules, without
 * the engine and the program around it (whose run-to-run noise hides a few ms): pulumi-resource-torq
 * started as the engine starts it, then the engine's calls in the engine's order — GetPluginInfo,
 * CheckConfig, DiffConfig, Configure, Check, Diff — against a local workspace holding the N rules.
 * Prints the median ms from the spawn to the port and to each answer. With `--against DIR` (a
 * package root holding dist/bin/pulumi-resource-torq and schema.json, e.g. an older build's copy),
 * both plugins alternate, for an A/B of a change. Needs `make build`.
 *
 *   node dist/bench/pluginPreview.js [--rules 100] [--runs 15] [--against DIR]
 */
import * as grpc from "@grpc/grpc-js";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { startWorkspace } from "../emulator";
import { call, LAUNCHER, startPlugin } from "../test/support/plugin";
import { flag, median, ownerAndViewers } from "./pulumiRuns";

const URN = "urn:pulumi:dev::bench::torq:index:ClaimMappings::rules";
const TYPE = "torq:index:ClaimMappings";
const PROVIDER_URN = "urn:pulumi:dev::bench::pulumi:providers:torq::default";
const STEPS = ["port", "configure", "check", "diff"] as const;
type Step = (typeof STEPS)[number];

/** What the engine sends the plugin in a no-change preview, built once. */
interface Preview {
  config: Record<string, string>;
  news: Record<string, unknown>;
  id: string;
  oldInputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}


const configure = (client: ResourceProviderClient, config: Record<string, string>) =>
  call<proto.ConfigureRequest, proto.ConfigureResponse>(
    client.configure.bind(client),
    new proto.ConfigureRequest().setArgs(Struct.fromJavaScript(config)).setAcceptsecrets(true).setAcceptresources(true),
  );
const check = (client: ResourceProviderClient, olds: Record<string, unknown>, news: Record<string, unknown>) =>
  call<proto.CheckRequest, proto.CheckResponse>(
    client.check.bind(client),
    new proto.CheckRequest().setUrn(URN).setType(TYPE).setOlds(Struct.fromJavaScript(olds as never)).setNews(Struct.fromJavaScript(news as never)),
  );

/** The engine's log service, which the plugin writes its diagnostics to (and waits on): it takes them and says nothing. */
class LogSink {
  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
  ) {}

  static async start(): Promise<LogSink> {
    const server = new grpc.Server();
    server.addService(EngineService, {
      log: (_call: unknown, callback: grpc.sendUnaryData<Empty>) => callback(null, new Empty()),
      getRootResource: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED }),
      setRootResource: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED }),
      startDebugging: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED }),
      requirePulumiVersion: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED }),
    } as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return new LogSink(server, `127.0.0.1:${port}`);
  }

  close(): void {
    this.server.forceShutdown();
  }
}

/** Creates the rules through the plugin itself, so the olds are the state a real `up` leaves. */
async function setUp(engine: LogSink, command: string[], env: NodeJS.ProcessEnv, preview: Omit<Preview, "id" | "oldInputs" | "outputs">): Promise<Preview> {
  const plugin = await startPlugin(engine.address, { command, env });
  try {
    await configure(plugin.client, preview.config);
    const checked = await check(plugin.client, {}, preview.news);
    const oldInputs = checked.getInputs()!.toJavaScript();
    const created = await call<proto.CreateRequest, proto.CreateResponse>(
      plugin.client.create.bind(plugin.client),
      new proto.CreateRequest().setUrn(URN).setType(TYPE).setProperties(checked.getInputs()!),
    );
    return { ...preview, id: created.getId(), oldInputs, outputs: created.getProperties()!.toJavaScript() };
  } finally {
    plugin.client.close();
    plugin.child.kill();
  }
}

/** ms from the spawn to the port and to each answer of one no-change preview. */
async function previewOnce(engine: LogSink, command: string[], env: NodeJS.ProcessEnv, preview: Preview): Promise<Record<Step, number>> {
  const started = performance.now();
  const plugin = await startPlugin(engine.address, { command, env });
  const at: Partial<Record<Step, number>> = { port: performance.now() - started };
  const { client } = plugin;
  try {
    await call<Empty, PluginInfo>(client.getPluginInfo.bind(client), new Empty());
    const configNews = Struct.fromJavaScript({ ...preview.config, version: "0.1.0" });
    await call<proto.CheckRequest, proto.CheckResponse>(client.checkConfig.bind(client), new proto.CheckRequest().setUrn(PROVIDER_URN).setOlds(configNews).setNews(configNews));
    const diffConfig = new proto.DiffRequest().setUrn(PROVIDER_URN).setOlds(configNews).setNews(configNews).setOldInputs(configNews);
    await call<proto.DiffRequest, proto.DiffResponse>(client.diffConfig.bind(client), diffConfig);
    await configure(client, preview.config);
    at.configure = performance.now() - started;
    const checked = await check(client, preview.oldInputs, preview.news);
    at.check = performance.now() - started;
    const diff = await call<proto.DiffRequest, proto.DiffResponse>(
      client.diff.bind(client),
      new proto.DiffRequest()
        .setUrn(URN)
        .setType(TYPE)
        .setId(preview.id)
        .setOlds(Struct.fromJavaScript(preview.outputs as never))
        .setOldInputs(Struct.fromJavaScript(preview.oldInputs as never))
        .setNews(checked.getInputs()!),
    );
    at.diff = performance.now() - started;
    if (diff.getChanges() !== proto.DiffResponse.DiffChanges.DIFF_NONE) throw new Error(`the no-change preview found changes: ${diff.getDiffsList().join(", ")}`);
    return at as Record<Step, number>;
  } finally {
    client.close();
    plugin.child.kill();
    if (plugin.child.exitCode === null && plugin.child.signalCode === null) await once(plugin.child, "exit");
  }
}

async function main(): Promise<void> {
  const rules = Number(flag("rules", "100"));
  const runs = Number(flag("runs", "15"));
  const against = flag("against", "");
  if (!Number.isInteger(rules) || rules < 1 || rules > 10_000 || !Number.isInteger(runs) || runs < 1 || runs > 200) {
    throw new Error("--rules takes an integer from 1 to 10000, --runs one from 1 to 200");
  }
  const plugins = [{ name: "this build", command: [LAUNCHER] }];
  if (against) {
    const launcher = path.join(path.resolve(against), "dist", "bin", "pulumi-resource-torq");
    if (!fs.existsSync(launcher)) throw new Error(`--against ${against}: no dist/bin/pulumi-resource-torq there`);
    plugins.push({ name: path.resolve(against), command: [launcher] });
  }
  const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), "torq-plugin-preview-"));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env["NODE_DISABLE_COMPILE_CACHE"];
  const workspace = await startWorkspace({ port: 0, rateLimitPerSecond: null });
  const engine = await LogSink.start();
  try {
    const config = { apiUrl: workspace.url, clientId: workspace.ownerKey.client_id, clientSecret: workspace.ownerKey.client_secret };
    const preview = await setUp(engine, plugins[0]!.command, env, { config, news: { mappings: ownerAndViewers(rules), overwriteExisting: true } });
    // Warm each plugin's code cache (written after its first operation), unmeasured.
    for (const plugin of plugins) for (let i = 0; i < 2; i++) await previewOnce(engine, plugin.command, env, preview);
    const samples = plugins.map(() => new Map<Step, number[]>(STEPS.map((s) => [s, []])));
    for (let run = 0; run < runs; run++) {
      for (const [i, plugin] of plugins.entries()) {
        const at = await previewOnce(engine, plugin.command, env, preview);
        for (const step of STEPS) samples[i]!.get(step)!.push(at[step]);
      }
    }
    const [load1, load5] = os.loadavg();
    console.log(`pulumi-resource-torq's part of a no-change preview at ${rules} rules, median of ${runs} interleaved runs (load ${load1!.toFixed(2)} ${load5!.toFixed(2)})`);
    console.log(`${"plugin".padEnd(40)} ${STEPS.map((s) => `${s} ms`.padStart(13)).join("")}`);
    for (const [i, plugin] of plugins.entries()) {
      console.log(`${plugin.name.slice(-40).padEnd(40)} ${STEPS.map((s) => median(samples[i]!.get(s)!).toFixed(1).padStart(13)).join("")}`);
    }
  } finally {
    engine.close();
    await workspace.close();
    fs.rmSync(cacheHome, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  process.exit(1);
});
