// The HTTP server and its per-request pipeline:
//   record → read body → (non-admin) injected fault → route → error shape.
// Which module answers a path (admin, one of the APIs, Entra) is the route table the composition
// hands in (emulator/routes.ts), so this file knows none of the APIs.
// It tracks every socket and every latency timer so close() finishes promptly even while clients
// hold keep-alive connections or wait on a hung request.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";

import { internalError, requestTooLarge, ServiceError } from "./errors";
import { applyFault } from "./faults";
import { BodyTooLargeError, readBody, sendError, splitTarget, type RequestContext } from "./http";
import { isAdminPath, type RecordedRequest } from "./recorder";
import type { Core } from "./services";

/** Request bodies beyond this are refused (413); neither API ever needs more. */
const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export interface ServerOptions {
  /** Answers one request (admin API included), or throws a ServiceError to answer with. */
  route: (ctx: RequestContext) => void;
  /** One line per finished request; undefined = quiet. */
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate and key (PEM); undefined = plain HTTP. */
  tls?: { cert: string; key: string };
}

export class EmulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: (ok: boolean) => void }>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly core: Core,
    private readonly options: ServerOptions,
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    // An https.Server is a net.Server with the same request events, so everything below (socket
    // tracking, restart, close) works alike; "connection" still sees the raw TCP socket.
    this.server =
      options.tls === undefined
        ? createServer(handler)
        : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.on("clientError", (_err, socket) => socket.destroy());
    // A client that refuses the certificate (or speaks plain HTTP to the TLS port) is its own business.
    this.server.on("tlsClientError", (_err: Error, socket: Socket) => socket.destroy());
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once("error", onError);
      this.server.listen({ host, port }, () => {
        this.server.off("error", onError);
        const address = this.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.stopListening();
    return this.closing;
  }

  /**
   * A restart that keeps the in-memory state: stop listening (new connections are refused, open
   * ones are cut, requests in flight are dropped unanswered and unprocessed), wait `downtimeMs`,
   * then listen again on the same host and port.
   */
  async restart(downtimeMs: number): Promise<void> {
    if (this.closing) throw new Error("the emulator is closed");
    const address = this.server.address();
    if (address === null || typeof address !== "object") throw new Error("the emulator is not listening");
    await this.stopListening();
    // A sleep close() cancels: closing the emulator during the downtime ends the restart.
    if (!(await this.sleep(downtimeMs)) || this.closing) return;
    await this.listen(address.address, address.port);
  }

  private stopListening(): Promise<void> {
    return new Promise<void>((resolve) => {
      for (const s of this.sleepers) {
        clearTimeout(s.timer);
        s.resolve(false);
      }
      this.sleepers.clear();
      // server.close() waits for open connections; destroying them (idle keep-alive, hung, slow)
      // is what makes it prompt.
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** A timer close() can cancel; resolves false when the emulator is closing. */
  private sleep(ms: number): Promise<boolean> {
    if (this.closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleepers.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      this.sleepers.add(entry);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const record = this.core.recorder.begin(req, this.core.clock.iso());
    res.setHeader("x-ms-request-id", randomUUID());
    res.on("finish", () => {
      record.status = res.statusCode;
      this.logLine(record, startedAt);
    });
    res.on("close", () => {
      if (!res.writableFinished) this.logLine(record, startedAt);
    });
    res.on("error", () => undefined); // the client went away mid-body (e.g. it caps what it reads)

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_REQUEST_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLargeError) sendError(res, requestTooLarge(MAX_REQUEST_BODY_BYTES));
      return;
    }
    this.core.recorder.setBody(record, raw);

    const rawPath = req.url ?? "/";
    const method = (req.method ?? "GET").toUpperCase();
    try {
      if (!isAdminPath(rawPath)) {
        // Faults come before auth and routing: a throttled or dropped request has no side effect.
        const fault = this.core.faults.takeForRequest(method, rawPath);
        if (fault !== undefined && fault.type !== "foreignLocation") {
          const outcome = await applyFault(fault, res, { sleep: (ms) => this.sleep(ms) });
          if (outcome === "handled") return;
        }
      }
      const { segments, query } = splitTarget(rawPath);
      const ctx: RequestContext = {
        req,
        res,
        method,
        rawPath,
        segments,
        query,
        body: raw.toString("utf8"),
        record,
      };
      this.options.route(ctx);
    } catch (e) {
      sendError(res, e instanceof ServiceError ? e : internalError(e));
    }
  }

  private logLine(record: RecordedRequest, startedAt: number): void {
    if (this.options.log === undefined) return;
    const status = record.status === 0 ? "---" : String(record.status);
    // Only method, path and status: headers (tokens) and bodies (secrets) never reach the log.
    this.options.log(`${record.at} ${record.method} ${record.path} ${status} ${Date.now() - startedAt}ms`);
  }
}
