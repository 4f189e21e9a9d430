// Small HTTP helpers shared by the route modules: the per-request context, body reading, and the
// response writers (JSON, empty, a service error). Node's http module only; no framework.

import type { IncomingMessage, ServerResponse } from "node:http";

import { badRequest, errorBody, type ServiceError } from "./errors";
import type { RecordedRequest } from "./recorder";

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Path and query exactly as received. */
  readonly rawPath: string;
  /** Percent-decoded path segments, without the leading empty one and one trailing slash. */
  readonly segments: string[];
  readonly query: URLSearchParams;
  readonly body: string;
  /** This request's entry in the request log. */
  readonly record: RecordedRequest;
}

export function splitTarget(rawPath: string): { segments: string[]; query: URLSearchParams } {
  const q = rawPath.indexOf("?");
  const pathname = q === -1 ? rawPath : rawPath.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : rawPath.slice(q + 1));
  const parts = pathname.split("/").slice(1);
  // A single trailing slash is tolerated everywhere (the submissions route is documented with one).
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  let segments: string[];
  try {
    // `%24` and `$` must both work for the legacy operation ids, hence decoding per segment.
    segments = parts.map((p) => decodeURIComponent(p));
  } catch {
    throw badRequest("The request path contains malformed percent-encoding.");
  }
  return { segments, query };
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => (tooLarge ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function writable(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string | undefined,
  headers: Record<string, string> = {},
): void {
  if (!writable(res)) return;
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (contentType !== undefined) res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", payload.length);
  res.writeHead(status);
  res.end(payload);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(body), "application/json; charset=utf-8", headers);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  send(res, status, "", undefined, headers);
}

/** Answers with the default error envelope of core/errors.ts (the CPP API's, among others). */
export function sendError(res: ServerResponse, e: ServiceError): void {
  sendJson(res, e.status, errorBody(e.code, e.message), e.headers);
}

/** Parses a JSON request body; empty means "no body". Anything else malformed is a 400. */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The route of a table that a path and method select, with what its pattern captured. Throws
 * `notFound()` when no pattern fits the path, and `wrongMethod(allow)` when some do but none for
 * this method (`allow` lists theirs): each API words these in its own envelope.
 */
export function selectRoute<R extends { method: string; pattern: readonly string[] }>(
  routes: readonly R[],
  segments: readonly string[],
  method: string,
  refuse: { notFound: () => Error; wrongMethod: (allow: string) => Error },
): { route: R; params: string[] } {
  const fitting = routes.flatMap((route) => {
    const params = matchPath(route.pattern, segments);
    return params === undefined ? [] : [{ route, params }];
  });
  if (fitting.length === 0) throw refuse.notFound();
  const hit = fitting.find((c) => c.route.method === method);
  if (hit === undefined) throw refuse.wrongMethod(fitting.map((c) => c.route.method).join(", "));
  return hit;
}

/** A path against a route pattern (`:name` segments capture); the captured values, or undefined. */
function matchPath(pattern: readonly string[], segments: readonly string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) params.push(segments[i]);
    else if (pattern[i] !== segments[i]) return undefined;
  }
  return params;
}
