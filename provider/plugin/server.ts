/**
 * The provider protocol, served by ourselves rather than by `@pulumi/pulumi/provider`'s `main()`,
 * whose server answers Configure itself and never forwards it: the arguments of an explicit
 * provider (a second tenant in one stack) would never arrive (docs/design.md §4 "Two fronts over
 * one lifecycle"). Served: plugin info, schema, CheckConfig/DiffConfig/Configure (`config.ts`),
 * the resource calls (`handlers.ts`), Cancel, Attach (`PULUMI_DEBUG_PROVIDERS`) and empty
 * mappings. Every other method is left to grpc-js, which answers UNIMPLEMENTED.
 */
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import type * as Pb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { requestShutdown } from "../core/shutdown";
import { stableJson } from "../kit/diff";
import { checkProviderConfig, configLookupOf } from "./config";
import { EngineLog, withCall } from "./engineLog";
import { callError } from "./errors";
import { emptyPb, jsToStruct, pluginPb, providerPb, structToJs } from "./grpc";
import * as handlers from "./handlers";
import { allLifecycles, resourceOf } from "./resources";
import { unwrapSecrets } from "./secrets";
import { packageVersion } from "./version";

type Props = Record<string, unknown>;

/** Fields a request may carry that say which resource a call is about. */
interface AboutResource {
  getUrn?(): string | undefined;
  getType?(): string | undefined;
}

/** The service implementation for `ResourceProviderService`, printing through `log`. */
export function providerService(log: EngineLog): UntypedServiceImplementation {
  /**
   * One unary method: runs inside the call's URN (engineLog.ts), answers once the lines it printed
   * reached the engine, and turns a failure into the protocol's error (errors.ts).
   */
  const unary =
    <Req extends object, Res>(fn: (req: Req) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const req = call.request;
      const about = req as AboutResource;
      const urn = about.getUrn?.() ?? "";
      const outputs = (props: Props) => handlers.returned(resourceOf(urn, about.getType?.()), props);
      withCall(urn, () => fn(req)).then(
        async (res) => {
          await log.flush();
          callback(null, res);
        },
        async (err: unknown) => {
          await log.flush();
          callback(callError(err, outputs));
        },
      );
    };

  return {
    getPluginInfo: unary(async () => new pluginPb.PluginInfo().setVersion(packageVersion())),
    getSchema: unary(async (req: Pb.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      // Loaded on demand: the schema is asked for by code generation, not by deployments.
      const { packageSchema } = require("./schema") as { packageSchema(): Record<string, unknown> };
      return new providerPb.GetSchemaResponse().setSchema(JSON.stringify(packageSchema()));
    }),
    checkConfig: unary(async (req: Pb.CheckRequest) => {
      const { inputs, failures } = checkProviderConfig(structToJs(req.getNews()));
      const resp = new providerPb.CheckResponse().setInputs(jsToStruct(inputs));
      resp.setFailuresList(
        failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason)),
      );
      return resp;
    }),
    // A new setting takes effect at the next call (credentials are resolved per call,
    // docs/design.md "Credentials"); a resource is never replaced because its provider changed.
    diffConfig: unary(async (req: Pb.DiffRequest) => {
      const olds = unwrapSecrets(structToJs(req.getOlds())) as Props;
      const news = unwrapSecrets(structToJs(req.getNews())) as Props;
      const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
        (k) => k !== "version" && stableJson(olds[k]) !== stableJson(news[k]),
      );
      const { DIFF_SOME, DIFF_NONE } = providerPb.DiffResponse.DiffChanges;
      return new providerPb.DiffResponse()
        .setChanges(changed.length ? DIFF_SOME : DIFF_NONE)
        .setDiffsList(changed);
    }),
    configure: unary(async (req: Pb.ConfigureRequest) => {
      const args = req.getArgs();
      const lookup = configLookupOf(args ? structToJs(args) : argsOfVariables(req.getVariablesMap()));
      for (const lifecycle of allLifecycles()) await lifecycle.configure({ config: { get: lookup } });
      // No provider-side preview (preview.ts): the engine never calls Create or Update in one.
      return new providerPb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false);
    }),
    check: unary(handlers.check),
    diff: unary(handlers.diff),
    create: unary(handlers.create),
    read: unary(handlers.read),
    update: unary(handlers.update),
    delete: unary(async (req: Pb.DeleteRequest) => {
      await handlers.deleteResource(req);
      return new emptyPb.Empty();
    }),
    // The first Ctrl-C or SIGTERM, and the end of every command: every wait in flight stops now
    // and ends as a resumable `pending` record (core/shutdown.ts). Idempotent; no reason to exit.
    cancel: unary(async () => {
      requestShutdown();
      return new emptyPb.Empty();
    }),
    attach: unary(async (req: PluginPb.PluginAttach) => {
      log.connect(req.getAddress());
      return new emptyPb.Empty();
    }),
    getMapping: unary(async () => new providerPb.GetMappingResponse()),
    getMappings: unary(async () => new providerPb.GetMappingsResponse()),
  };
}

/** Engines that send no `args` give `<package>:config:<name>` variables instead. */
function argsOfVariables(variables: { forEach(fn: (value: string, key: string) => void): void }): Props {
  const args: Props = {};
  variables.forEach((value, key) => {
    args[key.split(":").pop() ?? key] = value;
  });
  return args;
}
