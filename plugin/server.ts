/**
 * `pulumi-resource-torq`'s gRPC service: Pulumi's ResourceProvider protocol, served with
 * `@grpc/grpc-js` and the protobuf stubs `@pulumi/pulumi` ships, over the provider code the dynamic
 * provider runs (`provider/index.ts`), so both modes check, guard, plan and apply alike. What the
 * plugin adds is what the dynamic-provider host cannot carry: a per-field detailed diff, messages
 * logged against the resource's URN at their severity, outputs it marks secret itself, `Read` for
 * `pulumi import`, the package schema and its functions.
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderService, type IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import type { ConfigSource } from "../provider/config";
import { withDiagnosticsContext, type DiagnosticsContext } from "../provider/diagnostics";
import { ProviderInputError, userFacing } from "../provider/errors";
import { configureProvider, resources, type ResourceKind } from "../provider/index";
import type { CheckFailure } from "../provider/resources/checkFailures";
import { claimMappingsDetailedDiff, ssoEnforcementDetailedDiff, ssoProviderDetailedDiff, type DetailedDiff } from "./detailedDiff";
import { EngineLog, STDERR_DIAGNOSTICS } from "./engineLog";
import { FUNCTIONS } from "./functions";
import { computedOutputs, packageSchema, schemaText, type ResourceSchema } from "./packageSchema";
import { annotateSecrets, fromStruct, rawFromStruct, toWire, unwrapSecrets, UNKNOWN, type Props, type WireProps } from "./propertyValues";
import { decodeCheckRequest, decodeDiffRequest, encodeCheckResponse, type CheckRequestFields, type CheckResponseFields, type DiffRequestFields } from "./structCodec";
import { configProblems, configSourceOf } from "./providerConfig";

/** The operations every resource kind of `provider/index.ts` offers, on plain properties. */
interface ResourceOperations {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  create(news: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** How a kind's diff is computed: the provider's decision and, when it can tell, the detailed diff. */
type DetailedDiffer = (olds: Props, news: Props, oldInputs: Props) => Promise<{ changes: boolean; detailedDiff: DetailedDiff | undefined }>;

const DIFFERS: Record<ResourceKind, DetailedDiffer> = {
  async claimMappings(olds, news, oldInputs) {
    const diff = await resources.claimMappings.diffWithPlan(olds, news);
    return { changes: diff.changes, detailedDiff: claimMappingsDetailedDiff(diff, oldInputs, news) };
  },
  async ssoProvider(olds, news, oldInputs) {
    const diff = await resources.ssoProvider.diffWithPlan(olds, news);
    return { changes: diff.changes, detailedDiff: ssoProviderDetailedDiff(diff.plan, oldInputs, news) };
  },
  async ssoEnforcement(olds, news, oldInputs) {
    const { changes } = await resources.ssoEnforcement.diff("", olds, news);
    return { changes, detailedDiff: ssoEnforcementDetailedDiff(changes, oldInputs, news) };
  },
};

/** The resource kinds by type token (CONTRACT.md section 1). */
const KINDS: Record<string, ResourceKind> = {
  "torq:index:ClaimMappings": "claimMappings",
  "torq:index:SsoProvider": "ssoProvider",
  "torq:index:SsoEnforcement": "ssoEnforcement",
};

/** Outputs kept secret whatever the inputs: the keyed digest of the OIDC client secret. */
const SECRET_OUTPUTS: Record<ResourceKind, string[]> = {
  claimMappings: [],
  ssoProvider: ["clientSecretDigest"],
  ssoEnforcement: [],
};

/** A type token's kind, its operations and its schema, from a request's type (or its URN's). */
function resourceOf(type: string, urn: string): { kind: ResourceKind; operations: ResourceOperations; schema: ResourceSchema } {
  const token = type || urn.split("::")[2] || "";
  const kind = KINDS[token];
  const schema = packageSchema().resources[token];
  if (!kind || !schema) throw new ProviderInputError(`pulumi-resource-torq has no resource type "${token}" (it has ${Object.keys(KINDS).join(", ")})`);
  return { kind, operations: resources[kind], schema };
}

function struct(props: Props): Struct {
  return Struct.fromJavaScript(toWire(props) as Record<string, never>);
}

/** A failed operation as the engine reads it: the one-line message, and for a create that wrote something, the resource it left. */
function grpcError(err: unknown): Partial<grpc.StatusObject> {
  const error = userFacing(err);
  const metadata = new grpc.Metadata();
  const partial = err as { id?: unknown; properties?: unknown; reasons?: unknown };
  if (typeof partial.id === "string" && partial.id) {
    // "Created, but failed to initialize": the engine records the resource with these properties.
    const detail = new proto.ErrorResourceInitFailed();
    detail.setId(partial.id);
    detail.setProperties(struct((partial.properties ?? {}) as Props));
    detail.setReasonsList(Array.isArray(partial.reasons) ? partial.reasons.map(String) : [error.message]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(error.message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: error.message, metadata };
}

/** One unary handler: the answer, or the error as one sentence; then `answered`, if given. */
function unary<Req, Res>(handle: (request: Req) => Promise<Res>, answered?: () => void): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handle(call.request).then(
      (response) => callback(null, response),
      (err: unknown) => callback(grpcError(err), null),
    ).finally(answered);
  };
}

function checkFailures(failures: readonly CheckFailure[]): proto.CheckFailure[] {
  return failures.map((f) => {
    const failure = new proto.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

const PROPERTY_DIFF_KINDS = {
  add: proto.PropertyDiff.Kind.ADD,
  delete: proto.PropertyDiff.Kind.DELETE,
  update: proto.PropertyDiff.Kind.UPDATE,
} as const;

/** The plugin's version: the package's. */
function pluginVersion(): string {
  return packageSchema().version;
}

/**
 * Pulumi's ResourceProvider service as the plugin serves it: the stubs' definition, but with the
 * messages that carry a resource's whole properties on every preview read and written by
 * structCodec.ts (google-protobuf is an order of magnitude slower at them).
 */
export const TORQ_PROVIDER_SERVICE = {
  ...ResourceProviderService,
  check: { ...ResourceProviderService.check, requestDeserialize: decodeCheckRequest, responseSerialize: encodeCheckResponse },
  diff: { ...ResourceProviderService.diff, requestDeserialize: decodeDiffRequest },
};

/** The handlers' types: the stubs' messages, but check's and diff's as structCodec.ts reads and writes them. */
type Handlers = Omit<Partial<IResourceProviderServer>, "check" | "diff"> & {
  check: grpc.handleUnaryCall<CheckRequestFields, CheckResponseFields>;
  diff: grpc.handleUnaryCall<DiffRequestFields, proto.DiffResponse>;
};

/** The service, with the state one plugin process keeps: the engine's address and the provider's configuration. */
export class TorqProviderService {
  private engine: EngineLog | undefined;
  private config: ConfigSource | undefined;

  /**
   * @param afterFirstOperation called once, after the first diff, create, read, update or delete has
   *   been answered: by then V8 has compiled what a run needs, which the launcher keeps (launcher.ts).
   */
  constructor(
    engineAddress: string | undefined,
    private afterFirstOperation?: () => void,
  ) {
    if (engineAddress) this.engine = new EngineLog(engineAddress);
  }

  private readonly operationAnswered = (): void => {
    const hook = this.afterFirstOperation;
    this.afterFirstOperation = undefined;
    if (hook) setImmediate(hook);
  };

  private setEngine(address: string): void {
    if (!address) return;
    this.engine?.close();
    this.engine = new EngineLog(address);
  }

  /** Runs one resource operation with its messages logged against the resource. */
  private about<T>(urn: string, operation: () => Promise<T>): Promise<T> {
    const diagnostics: DiagnosticsContext = this.engine?.about(urn) ?? STDERR_DIAGNOSTICS;
    return withDiagnosticsContext(diagnostics, operation);
  }

  /** The handlers, by the service's method names; methods left out answer UNIMPLEMENTED. */
  handlers(): Handlers {
    return {
      handshake: unary(async (request: proto.ProviderHandshakeRequest) => {
        this.setEngine(request.getEngineAddress());
        const response = new proto.ProviderHandshakeResponse();
        response.setAcceptSecrets(true);
        response.setAcceptResources(false);
        response.setAcceptOutputs(false);
        return response;
      }),

      attach: unary(async (request) => {
        this.setEngine(request.getAddress());
        return new Empty();
      }),

      getPluginInfo: unary(async () => new PluginInfo().setVersion(pluginVersion())),

      getSchema: unary(async (request: proto.GetSchemaRequest) => {
        if (request.getVersion() !== 0) throw new ProviderInputError(`unsupported schema version ${request.getVersion()}`);
        return new proto.GetSchemaResponse().setSchema(schemaText());
      }),

      checkConfig: unary(async (request: proto.CheckRequest) => {
        const news = fromStruct(request.getNews());
        const response = new proto.CheckResponse();
        response.setInputs(request.getNews() ?? new Struct());
        response.setFailuresList(checkFailures(configProblems(news).map((reason) => ({ property: "", reason }))));
        return response;
      }),

      diffConfig: unary(async (request: proto.DiffRequest) => {
        const [olds, news] = [fromStruct(request.getOldInputs() ?? request.getOlds()), fromStruct(request.getNews())];
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== "version");
        const changed = keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
        const response = new proto.DiffResponse();
        response.setChanges(changed.length ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
        response.setDiffsList(changed);
        return response;
      }),

      configure: unary(async (request: proto.ConfigureRequest) => {
        this.config = configSourceOf(fromStruct(request.getArgs()));
        configureProvider(this.config);
        const response = new proto.ConfigureResponse();
        response.setAcceptsecrets(true);
        response.setSupportspreview(true);
        response.setAcceptresources(false);
        return response;
      }),

      invoke: unary(async (request: proto.InvokeRequest) => {
        const fn = FUNCTIONS[request.getTok()];
        if (!fn) throw new ProviderInputError(`pulumi-resource-torq has no function "${request.getTok()}" (it has ${Object.keys(FUNCTIONS).join(", ")})`);
        const answer = await fn(fromStruct(request.getArgs()), this.config);
        const response = new proto.InvokeResponse();
        if (answer.result) response.setReturn(struct(answer.result));
        response.setFailuresList(checkFailures(answer.failures));
        return response;
      }),

      check: unary((request: CheckRequestFields) =>
        this.about(request.urn, async (): Promise<CheckResponseFields> => {
          const { operations } = resourceOf(request.type, request.urn);
          const result = await operations.check(unwrapSecrets(request.olds) as Props, unwrapSecrets(request.news) as Props);
          return { inputs: toWire(annotateSecrets(result.inputs, request.news)) as WireProps, failures: result.failures };
        }),
      ),

      diff: unary((request: DiffRequestFields) =>
        this.about(request.urn, async () => {
          const { kind } = resourceOf(request.type, request.urn);
          const [olds, news] = [unwrapSecrets(request.olds) as Props, unwrapSecrets(request.news) as Props];
          const oldInputs = request.oldInputs ? (unwrapSecrets(request.oldInputs) as Props) : olds;
          const { changes, detailedDiff } = await DIFFERS[kind](olds, news, oldInputs);
          const response = new proto.DiffResponse();
          response.setChanges(changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
          if (changes && detailedDiff && Object.keys(detailedDiff).length > 0) {
            response.setHasdetaileddiff(true);
            const map = response.getDetaileddiffMap();
            for (const [path, change] of Object.entries(detailedDiff)) {
              map.set(path, new proto.PropertyDiff().setKind(PROPERTY_DIFF_KINDS[change.kind]).setInputdiff(change.inputDiff));
            }
            response.setDiffsList([...new Set(Object.keys(detailedDiff).map((path) => path.split(/[.[]/)[0]!))]);
          }
          return response;
        }),
        this.operationAnswered,
      ),

      create: unary((request: proto.CreateRequest) =>
        this.about(request.getUrn(), async () => {
          const { kind, operations, schema } = resourceOf(request.getType(), request.getUrn());
          const rawInputs = rawFromStruct(request.getProperties());
          const inputs = fromStruct(request.getProperties());
          const response = new proto.CreateResponse();
          if (request.getPreview()) {
            response.setProperties(struct(annotateSecrets(previewOutputs(inputs, schema), rawInputs)));
            return response;
          }
          try {
            const { id, outs } = await operations.create(inputs);
            response.setId(id);
            response.setProperties(struct(annotateSecrets(outs, rawInputs, SECRET_OUTPUTS[kind])));
            return response;
          } catch (err) {
            const partial = err as { properties?: Props };
            if (partial.properties) partial.properties = annotateSecrets(partial.properties, rawInputs, SECRET_OUTPUTS[kind]);
            throw err;
          }
        }),
        this.operationAnswered,
      ),

      read: unary((request: proto.ReadRequest) =>
        this.about(request.getUrn(), async () => {
          const { kind, operations, schema } = resourceOf(request.getType(), request.getUrn());
          const rawOlds = rawFromStruct(request.getProperties());
          const rawInputs = rawFromStruct(request.getInputs());
          const importing = Object.keys(rawOlds).length === 0;
          const result = await operations.read(request.getId(), fromStruct(request.getProperties()));
          const response = new proto.ReadResponse();
          if (!result.id) return response; // gone from the workspace
          response.setId(result.id);
          response.setProperties(struct(annotateSecrets(result.props, rawOlds, SECRET_OUTPUTS[kind])));
          // An import has no inputs to keep: the live settings are the program's inputs.
          const inputs = result.inputs ?? (importing ? inputsOf(result.props, schema) : undefined);
          if (inputs) response.setInputs(struct(annotateSecrets(inputs, rawInputs)));
          return response;
        }),
        this.operationAnswered,
      ),

      update: unary((request: proto.UpdateRequest) =>
        this.about(request.getUrn(), async () => {
          const { kind, operations, schema } = resourceOf(request.getType(), request.getUrn());
          const rawNews = rawFromStruct(request.getNews());
          const news = fromStruct(request.getNews());
          const response = new proto.UpdateResponse();
          if (request.getPreview()) {
            response.setProperties(struct(annotateSecrets(previewOutputs(news, schema), rawNews)));
            return response;
          }
          const { outs } = await operations.update(request.getId(), fromStruct(request.getOlds()), news);
          response.setProperties(struct(annotateSecrets(outs, rawNews, SECRET_OUTPUTS[kind])));
          return response;
        }),
        this.operationAnswered,
      ),

      delete: unary((request: proto.DeleteRequest) =>
        this.about(request.getUrn(), async () => {
          const { operations } = resourceOf(request.getType(), request.getUrn());
          await operations.delete(request.getId(), fromStruct(request.getProperties()));
          return new Empty();
        }),
        this.operationAnswered,
      ),

      // Operations run to completion once started: each is a few API calls, and stopping between
      // two of them is what the planner's safe order is there to avoid.
      cancel: unary(async () => new Empty()),
    };
  }
}

/**
 * What a preview of a create or update shows as outputs: the checked inputs the resource outputs,
 * and its computed outputs as not known until apply (as the engine does for the dynamic provider).
 */
function previewOutputs(inputs: Props, schema: ResourceSchema): Props {
  const outs: Props = {};
  for (const key of Object.keys(schema.properties)) if (inputs[key] !== undefined) outs[key] = inputs[key];
  for (const key of computedOutputs(schema)) outs[key] = UNKNOWN;
  return outs;
}

/** The inputs of a resource read from the workspace: its outputs that are inputs in the schema. */
function inputsOf(outputs: Props, schema: ResourceSchema): Props {
  return Object.fromEntries(Object.entries(outputs).filter(([key]) => key in schema.inputProperties));
}
