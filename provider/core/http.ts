/**
 * The one HTTP client of the package: node-fetch v2 (CommonJS, so the serialized dynamic provider
 * can `require` it) with a per-request timeout, a capped response body, typed errors, and the
 * retry policy of `retry.ts`. It knows nothing about CPP; `client.ts` does.
 */
import * as http from "node:http";
import * as https from "node:https";
import fetch, { Headers, Response } from "node-fetch";
import { AbortError, HTTPError, NetworkError, ResponseError, TimeoutError } from "./errors";
import { AttemptOutcome, DEFAULT_RETRY, HeaderLookup, RetryOptions, retryDelay } from "./retry";
import { NAME_LENGTH, Sanitizer, sanitizerFor } from "./sanitize";

export interface HttpClientOptions {
  /** Per-request timeout (headers and body). Default 30 000 ms. */
  timeoutMs?: number;
  /** Largest successful body we read. Default 4 MiB. Error bodies are cut at 16 KiB. */
  maxBodyBytes?: number;
  retry?: Partial<RetryOptions>;
  userAgent?: string;
  /** Told about each retry, e.g. to print "throttled, retrying in 2 s". */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Values to scrub from any text we put into an error (tokens, client secrets): every text this
   * client builds from what it received goes through `sanitize.ts` with them.
   */
  secrets?: () => readonly string[];
}

export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Safe to repeat after an ambiguous failure. Defaults to true for GET, false for POST. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: HeaderLookup;
  text: string;
  requestId?: string;
}

const ERROR_BODY_CAP = 16 * 1024;
/** Errors that prove the request never left this machine, so even a POST may be resent. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);

// Keep-alive agents: a fleet of cancellations in one process reuses connections. Keep-alive
// sockets are unref'd while idle, so they never hold the process open.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });

/** A request that takes longer is abandoned (and retried per policy). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpClient {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly retry: RetryOptions;
  /** Sanitizes text from the other side (bodies, Node errors, the paths of service-given URLs). */
  readonly clean: Sanitizer;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.clean = sanitizerFor(() => options.secrets?.() ?? []);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * Sends the request, retrying per policy, and resolves with a 2xx response.
   * Throws {@link HTTPError} for any other final status (redirects are never followed: a
   * redirect could carry the Authorization header to another host).
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    // The path of an operation URL came from a Location header: it is service text too.
    const path = this.clean(req.url.pathname + req.url.search);
    const idempotent = req.idempotent ?? req.method === "GET";
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw new AbortError(`${req.method} ${path}`);
      let outcome: AttemptOutcome;
      let failure: Error;
      try {
        const res = await this.attempt(req, path);
        if (res.status >= 200 && res.status < 300) return res;
        failure = this.httpError(req.method, path, res);
        outcome = { kind: "response", status: res.status, headers: res.headers };
      } catch (err) {
        if (err instanceof AbortError) throw err;
        if (err instanceof TimeoutError) outcome = { kind: "timeout" };
        else if (err instanceof NetworkError)
          outcome = { kind: "network", requestNotSent: err.requestNotSent };
        else if (err instanceof ResponseError) outcome = { kind: "unusableBody" };
        else throw err;
        failure = err;
      }
      const delay = retryDelay(attempt, outcome, idempotent, this.retry);
      if (delay === undefined) throw failure;
      this.options.onRetry?.({
        method: req.method,
        path,
        attempt: attempt + 1,
        delayMs: delay,
        reason: failure.message,
      });
      await sleep(delay, req.signal, `${req.method} ${path}`);
    }
  }

  /** Builds the typed error for a non-2xx response, parsing both CPP and Azure AD error bodies. */
  private httpError(method: string, path: string, res: HttpResponse): HTTPError {
    const { code, message } = parseErrorBody(res.text);
    let hint: string | undefined;
    if (res.status >= 300 && res.status < 400) {
      hint = "Redirects are not followed, so credentials never leave the configured endpoint.";
    }
    return new HTTPError(
      {
        method,
        path,
        status: res.status,
        code: code && this.clean(code, { maxLength: NAME_LENGTH }),
        serviceMessage: message && this.clean(message),
        requestId: res.requestId,
      },
      hint,
    );
  }

  private async attempt(req: HttpRequest, path: string): Promise<HttpResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onCallerAbort = () => controller.abort();
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      let res: Response;
      try {
        res = await fetch(req.url.href, {
          method: req.method,
          headers: {
            accept: "application/json",
            "user-agent": this.options.userAgent ?? "pulumi-marketplace-cancel",
            ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
            ...req.headers,
          },
          body: req.body,
          redirect: "manual",
          compress: true,
          signal: controller.signal,
          agent: (url) => (url.protocol === "http:" ? httpAgent : httpsAgent),
        });
      } catch (err) {
        throw this.transportError(err, req, path, timedOut);
      }
      const success = res.status >= 200 && res.status < 300;
      let text: string;
      try {
        text = await readCapped(res, success ? this.maxBodyBytes : ERROR_BODY_CAP, !success);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          throw new ResponseError(
            req.method,
            path,
            res.status,
            `body larger than ${this.maxBodyBytes} bytes`,
          );
        }
        throw this.transportError(err, req, path, timedOut);
      }
      return {
        status: res.status,
        headers: res.headers,
        text,
        requestId: requestIdOf(res.headers),
      };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  private transportError(err: unknown, req: HttpRequest, path: string, timedOut: boolean): Error {
    if (timedOut) return new TimeoutError(req.method, path, this.timeoutMs);
    if (req.signal?.aborted) return new AbortError(`${req.method} ${path}`);
    const e = err as { code?: string; errno?: string; message?: string };
    const code = e.code ?? e.errno;
    const detail = this.clean(String(e.message ?? err).replace(/^request to \S+ failed, reason: /, ""));
    const causeCode = code === undefined ? undefined : this.clean(code, { maxLength: NAME_LENGTH });
    return new NetworkError(
      req.method,
      path,
      causeCode,
      code !== undefined && NOT_SENT_CODES.has(code),
      detail,
    );
  }
}

class BodyTooLarge extends Error {}

/**
 * Reads at most `cap` bytes. A success body beyond the cap is an error (we would otherwise parse
 * a truncated document); an error body is simply truncated, since we only show its start.
 */
async function readCapped(res: Response, cap: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const body = res.body as NodeJS.ReadableStream & { destroy?: () => void };
  for await (const chunk of body) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    if (size + buf.length > cap) {
      body.destroy?.();
      if (!truncate) throw new BodyTooLarge();
      chunks.push(buf.subarray(0, cap - size));
      size = cap;
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function requestIdOf(headers: Headers): string | undefined {
  const id = headers.get("x-ms-request-id") ?? headers.get("x-ms-correlation-request-id") ?? undefined;
  return id && /^[\w.:-]{1,100}$/.test(id) ? id : undefined;
}

/** Reads `{"error":{"code","message"}}` (CPP), `{"error","error_description"}` (Azure AD), or plain text. */
export function parseErrorBody(text: string): { code?: string; message?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  try {
    const body = JSON.parse(trimmed) as unknown;
    if (body && typeof body === "object") {
      const b = body as Record<string, unknown>;
      const err = b.error;
      if (err && typeof err === "object") {
        const e = err as Record<string, unknown>;
        return { code: stringOrUndefined(e.code), message: stringOrUndefined(e.message) };
      }
      if (typeof err === "string") return { code: err, message: stringOrUndefined(b.error_description) };
      return { message: stringOrUndefined(b.message) };
    }
  } catch {
    // not JSON: fall through and show the start of the text
  }
  // Whole: the caller's sanitizer redacts, then caps. Cut here first, a token could be cut in two
  // and its first half escape redaction.
  return { message: trimmed };
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** Sleeps `ms`, waking early with {@link AbortError} if the signal fires. */
export function sleep(ms: number, signal?: AbortSignal, what = "Waiting"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(what));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(what));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
