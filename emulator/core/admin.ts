// The admin API under /_emulator/: the programmatic Emulator interface over HTTP, for the CLI user
// and for tests that run the emulator in another process. No authentication: the emulator refuses
// non-loopback hosts unless told otherwise (see emulator/cli.ts).
//
// This is its machinery, the same for every part: a route names a method, a path pattern after
// /_emulator and a handler of the part's programmatic interface (its "host"); the routes of all
// parts, each bound to its host, make one table (emulator/routes.ts).

import { badRequest, methodNotAllowed, noResource } from "./errors";
import { FaultRuleError } from "./faults";
import { isPlainObject, parseJsonBody, selectRoute, type RequestContext } from "./http";
import { SeedError } from "./validate";

export interface AdminRoute<Host> {
  method: string;
  /** The path segments after /_emulator; `:name` captures one into `params`. */
  pattern: readonly string[];
  handle: (host: Host, ctx: RequestContext, params: string[]) => void;
}

/** A route bound to its host: what the table runs. */
export interface BoundAdminRoute {
  method: string;
  pattern: readonly string[];
  handle: (ctx: RequestContext, params: string[]) => void;
}

export function bindAdminRoutes<Host>(host: Host, routes: readonly AdminRoute<Host>[]): BoundAdminRoute[] {
  return routes.map((r) => ({
    method: r.method,
    pattern: r.pattern,
    handle: (ctx, params) => r.handle(host, ctx, params),
  }));
}

/** The request body as JSON; undefined when empty. */
export function jsonBody(ctx: RequestContext): unknown {
  return parseJsonBody(ctx.body);
}

/** The request body as a JSON object; an empty body is `{}`, anything else a 400. */
export function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx) ?? {};
  if (!isPlainObject(body)) throw badRequest("The body must be a JSON object.");
  return body;
}

export function handleAdmin(routes: readonly BoundAdminRoute[], ctx: RequestContext): void {
  const segments = ctx.segments.slice(1); // drop "_emulator"
  const { route, params } = selectRoute(routes, segments, ctx.method, {
    notFound: () => noResource("admin resource", ctx.rawPath),
    wrongMethod: (allow) => methodNotAllowed(ctx.method, allow, "here"),
  });
  try {
    route.handle(ctx, params);
  } catch (e) {
    // Invalid rules, seeds and ranges thrown by the operations are the caller's mistake: 400.
    if (e instanceof FaultRuleError || e instanceof SeedError || e instanceof RangeError) {
      throw badRequest(e.message);
    }
    throw e;
  }
}
