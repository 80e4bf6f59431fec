/**
 * main.go's do-nothing plugin on the stack pulumi-resource-torq runs on — Node, @grpc/grpc-js and the
 * protobuf stubs @pulumi/pulumi ships — for bench/providerModes.ts: what a plugin written in Node
 * costs a preview before it does any work. bench/providerModes.ts bundles it as the plugin's own
 * bundle is built and starts it with Node's compile cache. It echoes its inputs and reports no change.
 */
import * as grpc from "@grpc/grpc-js";
import { fstatSync } from "node:fs";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";

type Handler = grpc.handleUnaryCall<unknown, unknown>;
const answer =
  <Req>(reply: (request: Req) => unknown): Handler =>
  (call, callback) =>
    callback(null, reply(call.request as Req));
const noChange = () => new proto.DiffResponse().setChanges(proto.DiffResponse.DiffChanges.DIFF_NONE);

const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
server.addService(ResourceProviderService, {
  handshake: answer(() => new proto.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true)),
  getPluginInfo: answer(() => new PluginInfo().setVersion("0.1.0")),
  checkConfig: answer((request: proto.CheckRequest) => new proto.CheckResponse().setInputs(request.getNews())),
  diffConfig: answer(noChange),
  configure: answer(() => new proto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true)),
  check: answer((request: proto.CheckRequest) => new proto.CheckResponse().setInputs(request.getNews())),
  diff: answer(noChange),
  create: answer((request: proto.CreateRequest) => new proto.CreateResponse().setId("floor").setProperties(request.getProperties())),
  read: answer((request: proto.ReadRequest) => new proto.ReadResponse().setId(request.getId()).setProperties(request.getProperties()).setInputs(request.getInputs())),
  update: answer((request: proto.UpdateRequest) => new proto.UpdateResponse().setProperties(request.getNews())),
  delete: answer(() => new Empty()),
  cancel: answer(() => new Empty()),
} as grpc.UntypedServiceImplementation);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${port}\n`);
});
// The engine holds stdin open through a pipe: its end means the engine is gone.
if (fstatSync(0).isFIFO()) process.stdin.on("end", () => process.exit(0)).resume();
