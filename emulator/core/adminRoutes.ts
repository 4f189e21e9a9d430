// The admin routes of what the APIs share, under /_emulator/: health, the request log, faults, the
// clock, restart, tokens and the test OIDC issuer. Each API adds its own (cpp/admin.ts,
// ingestion/admin.ts); emulator/routes.ts puts them in one table.

import type { CoreEmulator } from "./api";
import { AUDIENCE_RESOURCES, type Audience } from "./auth";
import { badRequest } from "./errors";
import type { FaultRule } from "./faults";
import { isPlainObject, sendEmpty, sendJson } from "./http";
import { jsonBody, objectBody, type AdminRoute } from "./admin";

/** What the shared admin routes drive: the shared interface and three read-outs only they need. */
export interface CoreAdminHost extends CoreEmulator {
  /** Faults currently installed, for GET /_emulator/faults. */
  listFaults(): unknown[];
  /** Emulated now (ISO) and the clock speed. */
  clockInfo(): { now: string; timeScale: number };
  /** The test OIDC issuer's discovery document and JWKS, served under /_emulator/oidc. */
  federationDocuments(): { openidConfiguration: unknown; jwks: unknown };
}

export const CORE_ADMIN_ROUTES: readonly AdminRoute<CoreAdminHost>[] = [
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
      const body = objectBody(ctx);
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
      const body = objectBody(ctx);
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
];
