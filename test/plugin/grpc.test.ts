/**
 * pulumi-resource-torq as the engine talks to it, without the engine: the launcher `make build`
 * installs, started as a process, answering gRPC on the port it prints. The resource operations
 * are covered through the real engine (test/e2e); these pin the protocol's other answers.
 */
import type * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { startWorkspace, type Workspace } from "../../emulator";
import { call, startPlugin } from "../support/plugin";
import { REPO_ROOT } from "../support/repo";
import { FakeEngine } from "../unit/provider/fakeEngine";

async function startedPlugin(engine: FakeEngine): Promise<{ child: ChildProcess; client: ResourceProviderClient }> {
  // The engine is a stand-in: nothing these tests ask makes the plugin log, but the plugin watches it.
  const { child, client } = await startPlugin(engine.address);
  child.stderr!.pipe(process.stderr);
  return { child, client };
}

describe("pulumi-resource-torq over gRPC", function () {
  this.timeout(60_000);
  let child: ChildProcess;
  let client: ResourceProviderClient;
  let workspace: Workspace;
  let engine: FakeEngine;

  before(async () => {
    engine = await FakeEngine.start();
    ({ child, client } = await startedPlugin(engine));
    workspace = await startWorkspace({ port: 0 });
  });
  after(async () => {
    client?.close();
    child?.kill();
    await workspace?.close();
    await engine?.die();
  });

  it("reports the package's version and serves schema.json as its schema", async () => {
    const info = await call<Empty, PluginInfo>(client.getPluginInfo.bind(client), new Empty());
    const schema = readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8");
    expect(info.getVersion()).to.equal((JSON.parse(schema) as { version: string }).version);
    const answer = await call<proto.GetSchemaRequest, proto.GetSchemaResponse>(client.getSchema.bind(client), new proto.GetSchemaRequest());
    expect(answer.getSchema()).to.equal(schema);
  });

  it("accepts secrets, and previews its own creates and updates", async () => {
    const answer = await call<proto.ProviderHandshakeRequest, proto.ProviderHandshakeResponse>(client.handshake.bind(client), new proto.ProviderHandshakeRequest().setEngineAddress("127.0.0.1:1"));
    expect(answer.getAcceptSecrets()).to.equal(true);
    const configured = await call<proto.ConfigureRequest, proto.ConfigureResponse>(client.configure.bind(client), new proto.ConfigureRequest().setArgs(Struct.fromJavaScript({})));
    expect([configured.getAcceptsecrets(), configured.getSupportspreview()]).to.deep.equal([true, true]);
  });

  it("refuses a bad region in CheckConfig with one line naming the setting", async () => {
    const request = new proto.CheckRequest().setUrn("urn:pulumi:dev::p::pulumi:providers:torq::default").setNews(Struct.fromJavaScript({ region: "mars" }));
    const answer = await call<proto.CheckRequest, proto.CheckResponse>(client.checkConfig.bind(client), request);
    expect(answer.getFailuresList().map((f) => f.getReason())).to.deep.equal(['torq:region (TORQ_REGION) must be "us" or "eu", not "mars"']);
  });

  it("evaluates claims as the lockout guard does, and names a bad argument's field", async () => {
    const mappings = [
      { claimName: "email", claimValue: "owner@example.com", role: "Owner" },
      { claimName: "groups", claimValue: "sre", role: "Operator" },
    ];
    const args = Struct.fromJavaScript({ mappings, claims: { email: "dev@example.com", groups: ["sre", "all"] } });
    const answer = await call<proto.InvokeRequest, proto.InvokeResponse>(client.invoke.bind(client), new proto.InvokeRequest().setTok("torq:index:evaluateClaims").setArgs(args));
    expect(answer.getReturn()?.toJavaScript()).to.deep.equal({ role: "Operator", ruleIndex: 1 });
    const bad = await call<proto.InvokeRequest, proto.InvokeResponse>(client.invoke.bind(client), new proto.InvokeRequest().setTok("torq:index:evaluateClaims").setArgs(Struct.fromJavaScript({ mappings: [{ claimName: "email" }], claims: {} })));
    expect(bad.getFailuresList().map((f) => f.getReason())).to.deep.equal([
      "mappings[0].claimValue: Invalid input: expected string, received undefined",
      "mappings[0].role: Invalid input: expected string, received undefined",
    ]);
  });

  it("asks the configured workspace for its SSO endpoints", async () => {
    const args = Struct.fromJavaScript({ apiUrl: workspace.url, clientId: workspace.ownerKey.client_id, clientSecret: workspace.ownerKey.client_secret });
    await call<proto.ConfigureRequest, proto.ConfigureResponse>(client.configure.bind(client), new proto.ConfigureRequest().setArgs(args));
    const answer = await call<proto.InvokeRequest, proto.InvokeResponse>(client.invoke.bind(client), new proto.InvokeRequest().setTok("torq:index:getSsoEndpoints").setArgs(new Struct()));
    expect(answer.getReturn()?.toJavaScript()).to.deep.equal({ loginRedirectUrl: `${workspace.url}/__/auth/handler`, audience: "torq-local" });
  });

  it("exits on its own once the engine that started it is gone (pulumi killed)", async () => {
    const other = await FakeEngine.start();
    const plugin = await startedPlugin(other);
    plugin.client.close();
    const exited = new Promise<number | null>((resolve) => plugin.child.once("exit", (code) => resolve(code)));
    await other.die();
    const started = Date.now();
    expect(await exited).to.equal(1);
    expect(Date.now() - started).to.be.lessThan(5_000);
  });

  it("answers an unknown resource type or function with one sentence naming the ones it has", async () => {
    const check = new proto.CheckRequest().setUrn("urn:pulumi:dev::p::torq:index:Nope::x").setType("torq:index:Nope").setNews(new Struct()).setOlds(new Struct());
    const err = await call<proto.CheckRequest, proto.CheckResponse>(client.check.bind(client), check).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.details).to.equal('pulumi-resource-torq has no resource type "torq:index:Nope" (it has torq:index:ClaimMappings, torq:index:SsoProvider, torq:index:SsoEnforcement)');
    const invokeErr = await call<proto.InvokeRequest, proto.InvokeResponse>(client.invoke.bind(client), new proto.InvokeRequest().setTok("torq:index:nope")).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(invokeErr?.details).to.equal('pulumi-resource-torq has no function "torq:index:nope" (it has torq:index:getSsoEndpoints, torq:index:evaluateClaims)');
  });
});
