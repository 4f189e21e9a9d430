/**
 * Progress through the engine. The engine hides a native plugin's stdout and stderr, so the lines
 * the lifecycle prints (`kit/progress.ts`) go to the engine's Log service instead, with the URN of
 * the resource the call is about: a `progress` line (one per poll) as an ephemeral line, which the
 * CLI shows in that resource's status column; an `info` line (what was sent, the outcome) as an
 * info diagnostic under the resource (docs/design.md §4 "Two fronts over one lifecycle").
 *
 * Calls run concurrently (`--parallel`), and the lifecycle's printer is one per process, so the
 * URN is not passed along: each RPC runs inside {@link withCall}, and the printer reads the URN
 * of the call it runs in from an AsyncLocalStorage. The lines arrive already sanitized by the
 * call context's printer (`kit/context.ts`), which redacts every token sent and every secret
 * setting (docs/design.md §9).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LineKind, Printer } from "../kit/progress";
import { CHANNEL_OPTIONS, engineGrpc, enginePb, grpc } from "./grpc";

const currentCall = new AsyncLocalStorage<{ urn: string }>();

/** Runs `fn` as the call about `urn`: what it prints is told about that resource. */
export function withCall<T>(urn: string, fn: () => Promise<T>): Promise<T> {
  return currentCall.run({ urn }, fn);
}

/** A Log that has not been answered gets this long before a call's answer stops waiting for it. */
const FLUSH_TIMEOUT_MS = 2000;

export class EngineLog {
  private client: EngineClient | undefined;
  /**
   * The last line sent: each line waits for the one before, because the engine handles Log calls
   * concurrently and "cancelling …" must not show after "the service answered 202".
   */
  private tail: Promise<void> = Promise.resolve();

  /** The engine's address (argv, or Attach); without one, lines go to stderr (a plugin run by hand). */
  connect(address: string | undefined): void {
    this.client?.close();
    this.client = address
      ? new engineGrpc.EngineClient(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS)
      : undefined;
  }

  /** The printer both lifecycle modules print through. */
  readonly printer: Printer = (line, kind) =>
    this.send(line, kind ?? "info", currentCall.getStore()?.urn ?? "");

  /**
   * Resolves once every line sent so far was answered (or after {@link FLUSH_TIMEOUT_MS}): a call
   * answers the engine only after its lines, so the outcome line shows before the step ends.
   */
  async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
    });
    await Promise.race([this.tail, late]);
    clearTimeout(timer);
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private send(line: string, kind: LineKind, urn: string): void {
    const client = this.client;
    if (!client) {
      process.stderr.write(`${line}\n`);
      return;
    }
    const req = new enginePb.LogRequest();
    req.setSeverity(enginePb.LogSeverity.INFO);
    req.setMessage(line);
    req.setUrn(urn);
    req.setEphemeral(kind === "progress");
    // A line the engine cannot take is dropped: progress must never fail a cancellation.
    this.tail = this.tail.then(
      () =>
        new Promise<void>(
          (resolve) =>
            void client.log(req, new grpc.Metadata(), { deadline: Date.now() + FLUSH_TIMEOUT_MS }, () =>
              resolve(),
            ),
        ),
    );
  }
}
