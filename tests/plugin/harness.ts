/**
 * What the plugin suites stand in for: the engine. A small gRPC server implementing the engine's
 * Log service records every LogRequest; the plugin executable is started as the engine starts it
 * (its address as the argument, a pipe on stdin, the port read from the first line of stdout), and
 * a client of the generated `ResourceProviderClient` talks to it.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import type { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import { WITHOUT_MACHINE_CREDENTIALS } from "../../tools/engine/stack";
import {
  emptyPb,
  engineGrpc,
  grpc,
  jsToStruct,
  providerGrpc,
  providerPb,
  statusPb,
  structToJs,
} from "../../provider/plugin/grpc";

/** The executable the engine runs, in this checkout (tests run from dist/tests/plugin). */
export const PLUGIN_EXECUTABLE = path.resolve(
  __dirname,
  "..",
  "..",
  "..",
  "bin",
  "pulumi-resource-marketplace",
);

/** The protocol's secret wrapper, as the engine sends a secret value. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface LoggedLine {
  urn: string;
  message: string;
  ephemeral: boolean;
  severity: number;
}

/** The engine's Log service, recording what it is told. */
export class FakeEngine {
  readonly lines: LoggedLine[] = [];
  private readonly server = new grpc.Server();
  address = "";

  async start(): Promise<void> {
    this.server.addService(engineGrpc.EngineService, {
      log: (call: { request: LogRequest }, done: (err: null, res: unknown) => void) => {
        const r = call.request;
        this.lines.push({
          urn: r.getUrn(),
          message: r.getMessage(),
          ephemeral: r.getEphemeral(),
          severity: r.getSeverity(),
        });
        done(null, new emptyPb.Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.address = `127.0.0.1:${port}`;
  }

  linesAbout(urn: string): LoggedLine[] {
    return this.lines.filter((l) => l.urn === urn);
  }

  /** Resolves once a line about `urn` matches (the wait it tells of is under way). */
  async lineAbout(urn: string, match: (l: LoggedLine) => boolean): Promise<LoggedLine> {
    for (;;) {
      const found = this.linesAbout(urn).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

/** One plugin process, as the engine starts it, and a client connected to it. */
export class PluginProcess {
  private stderrText = "";

  private constructor(
    readonly child: ChildProcess,
    readonly client: ResourceProviderClient,
    /** From spawning the executable to the port on its stdout. */
    readonly startupMs: number,
  ) {
    child.stderr?.on("data", (d: Buffer) => (this.stderrText += d.toString()));
  }

  get stderr(): string {
    return this.stderrText;
  }

  static async start(engineAddress: string, env: Record<string, string>): Promise<PluginProcess> {
    const started = Date.now();
    const child = spawn(PLUGIN_EXECUTABLE, [engineAddress], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...WITHOUT_MACHINE_CREDENTIALS, ...env },
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const [first, ...rest] = out.split("\n");
        if (rest.length > 0) resolve(Number(first));
      });
      child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before telling its port`)));
    });
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new PluginProcess(child, client, Date.now() - started);
  }

  /** Calls one unary method; resolves with its answer or rejects with the gRPC error. */
  call<Res>(method: keyof ResourceProviderClient, req: unknown): Promise<Res> {
    const fn = this.client[method] as unknown as (r: unknown, cb: Callback<Res>) => void;
    return new Promise<Res>((resolve, reject) =>
      fn.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res))),
    );
  }

  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  /** Closes stdin, as an engine that is gone does, and waits for the process to end. */
  async stop(): Promise<number | null> {
    this.client.close();
    this.child.stdin?.end();
    return this.exited();
  }
}

export function secret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The partial create or update a failed call carries (ErrorResourceInitFailed), if any. */
export function initFailure(
  err: ServiceError,
): { id: string; properties: Record<string, unknown>; reasons: string[] } | undefined {
  const bin = (err.metadata as Metadata | undefined)?.get("grpc-status-details-bin")[0];
  if (!bin) return undefined;
  const status = statusPb.Status.deserializeBinary(new Uint8Array(bin as Buffer));
  for (const any of status.getDetailsList()) {
    const detail = any.unpack<ErrorResourceInitFailed>(
      providerPb.ErrorResourceInitFailed.deserializeBinary,
      "pulumirpc.ErrorResourceInitFailed",
    );
    if (detail) {
      return {
        id: detail.getId(),
        properties: structToJs(detail.getProperties()),
        reasons: detail.getReasonsList(),
      };
    }
  }
  return undefined;
}

export { emptyPb, jsToStruct, providerPb, structToJs };
