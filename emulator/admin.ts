// The admin API under /_emulator/: the programmatic Emulator interface over HTTP, for the CLI user
// and for tests that run the emulator in another process. No authentication: the emulator refuses
// non-loopback hosts unless told otherwise (see cli.ts).

import type { Emulator } from "./api";
import { AUDIENCE_RESOURCES, type Audience } from "./auth";
import { badRequest, methodNotAllowed, noResource, operationNotFound } from "./errors";
import { FaultRuleError, type FaultRule } from "./faults";
import { isPlainObject, matchPath, parseJsonBody, sendEmpty, sendJson, type RequestContext } from "./http";
import { INGESTION_ADMIN_ROUTES } from "./ingestion/admin";
import { parseOfferConfig, SeedError } from "./seed";

/** The operations the admin API exposes: the Emulator interface and two read-outs only it needs. */
export interface AdminHost extends Emulator {
  /** Faults currently installed, for GET /_emulator/faults. */
  listFaults(): unknown[];
  /** Emulated now (ISO) and the clock speed. */
  clockInfo(): { now: string; timeScale: number };
  /** The test OIDC issuer's discovery document and JWKS, served under /_emulator/oidc. */
  federationDocuments(): { openidConfiguration: unknown; jwks: unknown };
}

type AdminHandler = (host: AdminHost, ctx: RequestContext, params: string[]) => void;

const ROUTES: { method: string; pattern: string[]; handle: AdminHandler }[] = [
  {
    method: "GET",
    pattern: ["health"],
    handle: (host, ctx) =>
      sendJson(ctx.res, 200, {
        status: "ok",
        url: host.url,
        caCertPath: host.caCertPath,
        ...host.clockInfo(),
      }),
  },
  {
    method: "GET",
    pattern: ["requests"],
    // The request asking for the log is itself still in flight: leave it out.
    handle: (host, ctx) =>
      sendJson(
        ctx.res,
        200,
        host.requests.filter((r) => r !== ctx.record),
      ),
  },
  {
    method: "DELETE",
    pattern: ["requests"],
    handle: (host, ctx) => {
      host.clearRequests();
      sendEmpty(ctx.res, 204);
    },
  },
  { method: "GET", pattern: ["faults"], handle: (host, ctx) => sendJson(ctx.res, 200, host.listFaults()) },
  {
    method: "POST",
    pattern: ["faults"],
    handle: (host, ctx) => sendJson(ctx.res, 201, { id: host.addFault(jsonBody(ctx) as FaultRule) }),
  },
  {
    method: "DELETE",
    pattern: ["faults"],
    handle: (host, ctx) => {
      host.clearFaults();
      sendEmpty(ctx.res, 204);
    },
  },
  {
    method: "GET",
    pattern: ["offers", ":p", ":o"],
    handle: (host, ctx, [p, o]) => sendJson(ctx.res, 200, host.getOffer(p, o)),
  },
  {
    method: "PATCH",
    pattern: ["offers", ":p", ":o"],
    handle: (host, ctx, [p, o]) => {
      const patch = parseOfferConfig(jsonBody(ctx) ?? {}, "body");
      host.configureOffer(p, o, patch);
      sendJson(ctx.res, 200, host.getOffer(p, o));
    },
  },
  {
    method: "POST",
    pattern: ["offers", ":p", ":o", "operations"],
    handle: (host, ctx, [p, o]) => {
      const body = jsonBody(ctx) ?? {};
      if (!isPlainObject(body)) throw badRequest("The body must be a JSON object.");
      const { kind, durationSeconds } = body;
      if (kind !== "publish" && kind !== "golive") {
        throw badRequest(`kind must be "publish" or "golive", got ${JSON.stringify(kind)}.`);
      }
      if (durationSeconds !== undefined && durationSeconds !== null && typeof durationSeconds !== "number") {
        throw badRequest("durationSeconds must be a number.");
      }
      sendJson(ctx.res, 201, host.startOperation(p, o, kind, durationSeconds ?? undefined));
    },
  },
  {
    method: "GET",
    pattern: ["operations", ":id"],
    handle: (host, ctx, [id]) => {
      const view = host.getOperation(id);
      if (view === undefined) throw operationNotFound(id);
      sendJson(ctx.res, 200, view);
    },
  },
  {
    method: "DELETE",
    pattern: ["operations", ":id"],
    handle: (host, ctx, [id]) => {
      host.deleteOperation(id);
      sendEmpty(ctx.res, 204);
    },
  },
  { method: "GET", pattern: ["clock"], handle: (host, ctx) => sendJson(ctx.res, 200, host.clockInfo()) },
  {
    method: "POST",
    pattern: ["clock"],
    handle: (host, ctx) => {
      const body = jsonBody(ctx);
      const seconds = isPlainObject(body) ? body.advanceSeconds : undefined;
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
        throw badRequest('Send {"advanceSeconds": <non-negative number>}.');
      }
      host.advanceClock(seconds);
      sendJson(ctx.res, 200, host.clockInfo());
    },
  },
  {
    method: "POST",
    pattern: ["restart"],
    handle: (host, ctx) => {
      const body = jsonBody(ctx) ?? {};
      const downtimeMs = isPlainObject(body) ? (body.downtimeMs ?? 1000) : undefined;
      if (typeof downtimeMs !== "number" || !(downtimeMs >= 0 && downtimeMs <= 600_000)) {
        throw badRequest('Send {"downtimeMs": <0 to 600000>} (default 1000).');
      }
      // Answer first: the restart cuts every open connection, this one included.
      ctx.res.once("finish", () => void host.restart({ downtimeMs }).catch(() => undefined));
      sendJson(ctx.res, 202, { restartingForMs: downtimeMs });
    },
  },
  {
    method: "POST",
    pattern: ["tokens", "expire"],
    handle: (host, ctx) => {
      host.expireTokens();
      sendEmpty(ctx.res, 204);
    },
  },
  {
    method: "POST",
    pattern: ["tokens"],
    handle: (host, ctx) => {
      const body = jsonBody(ctx) ?? {};
      if (!isPlainObject(body)) throw badRequest("The body must be a JSON object.");
      const { publishers, lifetimeSeconds, audience } = body;
      if (
        publishers !== undefined &&
        (!Array.isArray(publishers) || publishers.some((p) => typeof p !== "string"))
      ) {
        throw badRequest('publishers must be an array of publisher ids, e.g. ["*"].');
      }
      if (lifetimeSeconds !== undefined && (typeof lifetimeSeconds !== "number" || !(lifetimeSeconds > 0))) {
        throw badRequest("lifetimeSeconds must be a positive number.");
      }
      if (
        audience !== undefined &&
        (typeof audience !== "string" || !Object.hasOwn(AUDIENCE_RESOURCES, audience))
      ) {
        throw badRequest(
          `audience must be one of ${Object.keys(AUDIENCE_RESOURCES).join(", ")} (or absent: both).`,
        );
      }
      const token = host.issueToken({
        audience: audience as Audience | undefined,
        publishers: publishers as string[] | undefined,
        lifetimeSeconds: lifetimeSeconds as number | undefined,
      });
      sendJson(ctx.res, 201, { access_token: token, token_type: "Bearer" });
    },
  },
  {
    // A token of the emulator's test OIDC issuer, for a federated client assertion.
    method: "POST",
    pattern: ["federated-tokens"],
    handle: (host, ctx) => {
      const body = jsonBody(ctx) ?? {};
      if (!isPlainObject(body)) throw badRequest("The body must be a JSON object.");
      const { subject, audience, lifetimeSeconds, issuer } = body;
      if (typeof subject !== "string" || subject === "")
        throw badRequest("subject must be a non-empty string.");
      for (const [name, value] of [
        ["audience", audience],
        ["issuer", issuer],
      ] as const) {
        if (value !== undefined && (typeof value !== "string" || value === "")) {
          throw badRequest(`${name} must be a non-empty string (or absent).`);
        }
      }
      if (lifetimeSeconds !== undefined && (typeof lifetimeSeconds !== "number" || !(lifetimeSeconds > 0))) {
        throw badRequest("lifetimeSeconds must be a positive number.");
      }
      const token = host.mintFederatedToken({
        subject,
        audience: audience as string | undefined,
        issuer: issuer as string | undefined,
        lifetimeSeconds: lifetimeSeconds as number | undefined,
      });
      sendJson(ctx.res, 201, { token, issuer: issuer ?? host.federatedIssuer });
    },
  },
  {
    method: "GET",
    pattern: ["oidc", ".well-known", "openid-configuration"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.federationDocuments().openidConfiguration),
  },
  {
    method: "GET",
    pattern: ["oidc", ".well-known", "jwks"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.federationDocuments().jwks),
  },
  // The Product Ingestion part: /_emulator/ingestion/… (ingestion/admin.ts).
  ...INGESTION_ADMIN_ROUTES,
];

function jsonBody(ctx: RequestContext): unknown {
  return parseJsonBody(ctx.body);
}

export function handleAdmin(host: AdminHost, ctx: RequestContext): void {
  const segments = ctx.segments.slice(1); // drop "_emulator"
  const candidates = ROUTES.map((r) => ({ r, params: matchPath(r.pattern, segments) })).filter(
    (c) => c.params !== undefined,
  );
  if (candidates.length === 0) throw noResource("admin resource", ctx.rawPath);
  const hit = candidates.find((c) => c.r.method === ctx.method);
  if (hit === undefined) {
    const allow = candidates.map((c) => c.r.method).join(", ");
    throw methodNotAllowed(ctx.method, allow, "here");
  }
  try {
    hit.r.handle(host, ctx, hit.params as string[]);
  } catch (e) {
    // Invalid rules, seeds and ranges thrown by the operations are the caller's mistake: 400.
    if (e instanceof FaultRuleError || e instanceof SeedError || e instanceof RangeError) {
      throw badRequest(e.message);
    }
    throw e;
  }
}
