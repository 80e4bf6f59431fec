/** Starting pulumi-resource-torq as the engine does, for the plugin's tests and the plugin's start bench. */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { REPO_ROOT } from "./repo";

/** The launcher `make build` installs (plugin/launcher.ts). */
export const LAUNCHER = path.join(REPO_ROOT, "dist", "bin", "pulumi-resource-torq");

export interface RunningPlugin {
  child: ChildProcess;
  client: ResourceProviderClient;
  /** What the plugin wrote to stderr so far. */
  stderr(): string;
}

/**
 * Starts `command ARGS… engineAddress` (the launcher by default) and connects to the port it prints
 * on its first line, as the engine does. Rejects when it exits before.
 */
export async function startPlugin(engineAddress: string, options: { command?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RunningPlugin> {
  const [file, ...args] = options.command ?? [LAUNCHER];
  const child = spawn(file!, [...args, engineAddress], { stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving: ${stderr}`)));
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  if (!/^\d+$/.test(port)) throw new Error(`the plugin's first line is not a port: ${port}`);
  return { child, client: new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()), stderr: () => stderr };
}

/** One unary call as a promise. */
export function call<Req, Res>(method: (request: Req, callback: (err: grpc.ServiceError | null, response: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method(request, (err, response) => (err ? reject(err) : resolve(response))));
}

/** A resource operation that needs no workspace: the preview of creating a one-rule ClaimMappings. */
export function previewCreate(client: ResourceProviderClient): Promise<proto.CreateResponse> {
  const request = new proto.CreateRequest()
    .setUrn("urn:pulumi:dev::p::torq:index:ClaimMappings::rules")
    .setType("torq:index:ClaimMappings")
    .setPreview(true)
    .setProperties(Struct.fromJavaScript({ mappings: [{ claimName: "email", claimValue: "owner@example.com", role: "Owner" }] }));
  return call<proto.CreateRequest, proto.CreateResponse>(client.create.bind(client), request);
}
