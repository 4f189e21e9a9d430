// Azure AD (Entra ID) client-credentials token endpoints, served on the same origin so the emulator
// URL doubles as the authority host:
//   POST /{tenant}/oauth2/token        v1: resource=https://cloudpartner.azure.com, numbers AS STRINGS
//   POST /{tenant}/oauth2/v2.0/token   v2: scope=https://cloudpartner.azure.com/.default, numbers as numbers
//   GET  /{tenant}[/v2.0]/.well-known/openid-configuration  (discovery, for libraries that ask)
// Errors use AAD's shape {"error","error_description","error_codes",…}, not the CPP one.

import { randomUUID } from "node:crypto";

import { AUDIENCE_RESOURCES, type Audience } from "./auth";
import type { Core } from "./core";
import { sendJson, type RequestContext } from "./http";

export const CPP_RESOURCE = AUDIENCE_RESOURCES.cpp;
export const CPP_SCOPE = `${CPP_RESOURCE}/.default`;
export const GRAPH_RESOURCE = AUDIENCE_RESOURCES.graph;
export const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;

/** The audience a v1 `resource` names; AAD treats the App ID URI with and without a trailing slash alike. */
function audienceOfResource(resource: string): Audience | undefined {
  const bare = resource.replace(/\/$/, "");
  return AUDIENCES.find((a) => AUDIENCE_RESOURCES[a] === bare);
}

/**
 * The audience a v2 `scope` names. Exact match on purpose: "https://cloudpartner.azure.com//.default"
 * (an endpoint with a trailing slash plus "/.default") is a real client bug this should surface.
 */
function audienceOfScope(scope: string): Audience | undefined {
  const scopes = scope.split(/\s+/);
  return AUDIENCES.find((a) => scopes.includes(`${AUDIENCE_RESOURCES[a]}/.default`));
}

const AUDIENCES = Object.keys(AUDIENCE_RESOURCES) as Audience[];

class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
  }
}

function sendAadError(core: Core, ctx: RequestContext, e: AadError): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  // AAD's format: "2024-05-01 10:00:00Z".
  const timestamp = core.clock
    .iso()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  sendJson(
    ctx.res,
    e.status,
    {
      error: e.error,
      error_description: `AADSTS${e.aadsts}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [e.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
    { "Cache-Control": "no-store", Pragma: "no-cache" },
  );
}

export type AadRoute =
  | { kind: "token"; tenant: string; version: "v1" | "v2" }
  | { kind: "openid"; tenant: string; version: "v1" | "v2" };

/** Recognizes the AAD paths; anything else is not ours. */
export function matchAad(segments: string[]): AadRoute | undefined {
  const [tenant, ...rest] = segments;
  if (tenant === undefined || tenant === "") return undefined;
  const path = rest.join("/");
  if (path === "oauth2/token") return { kind: "token", tenant, version: "v1" };
  if (path === "oauth2/v2.0/token") return { kind: "token", tenant, version: "v2" };
  if (path === ".well-known/openid-configuration") return { kind: "openid", tenant, version: "v1" };
  if (path === "v2.0/.well-known/openid-configuration") return { kind: "openid", tenant, version: "v2" };
  return undefined;
}

export function handleAad(core: Core, ctx: RequestContext, route: AadRoute): void {
  try {
    if (route.kind === "openid") openidConfiguration(core, ctx, route);
    else token(core, ctx, route);
  } catch (e) {
    if (e instanceof AadError) sendAadError(core, ctx, e);
    else throw e;
  }
}

function tenantConfig(core: Core, tenant: string) {
  const config = Object.prototype.hasOwnProperty.call(core.tenants, tenant)
    ? core.tenants[tenant]
    : undefined;
  if (config === undefined) {
    throw new AadError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  return config;
}

function openidConfiguration(core: Core, ctx: RequestContext, route: AadRoute): void {
  if (ctx.method !== "GET")
    throw new AadError(405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
  tenantConfig(core, route.tenant);
  const base = `${core.url}/${encodeURIComponent(route.tenant)}`;
  const v2 = route.version === "v2";
  sendJson(ctx.res, 200, {
    token_endpoint: v2 ? `${base}/oauth2/v2.0/token` : `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    grant_types_supported: ["client_credentials"],
    issuer: v2 ? `${base}/v2.0` : `${base}/`,
    authorization_endpoint: v2 ? `${base}/oauth2/v2.0/authorize` : `${base}/oauth2/authorize`,
    tenant_region_scope: "WW",
  });
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw new AadError(
      400,
      "invalid_request",
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  return value;
}

/** client_secret_post, or client_secret_basic (Authorization: Basic base64(id:secret)). */
function clientCredentials(
  ctx: RequestContext,
  params: URLSearchParams,
): { clientId: string; secret?: string } {
  const auth = ctx.req.headers.authorization;
  const basic = auth !== undefined ? /^Basic\s+(\S+)$/i.exec(auth) : null;
  if (basic !== null) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      try {
        return {
          clientId: decodeURIComponent(decoded.slice(0, colon)),
          secret: decodeURIComponent(decoded.slice(colon + 1)),
        };
      } catch {
        throw new AadError(401, "invalid_client", 7000215, "The Basic authorization header is malformed.");
      }
    }
  }
  return { clientId: required(params, "client_id"), secret: params.get("client_secret") ?? undefined };
}

function token(core: Core, ctx: RequestContext, route: AadRoute): void {
  if (ctx.method !== "POST")
    throw new AadError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
  const tenant = tenantConfig(core, route.tenant);
  const params = new URLSearchParams(ctx.body);
  const grantType = required(params, "grant_type");
  if (grantType !== "client_credentials") {
    throw new AadError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grantType}'. This emulator supports client_credentials only.`,
    );
  }
  const { clientId, secret } = clientCredentials(ctx, params);
  const client = Object.prototype.hasOwnProperty.call(tenant.clients, clientId)
    ? tenant.clients[clientId]
    : undefined;
  if (client === undefined) {
    throw new AadError(
      401,
      "invalid_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${route.tenant}'.`,
    );
  }
  if (secret === undefined || secret === "") {
    throw new AadError(
      401,
      "invalid_client",
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
  }
  if (secret !== client.secret) {
    throw new AadError(
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
    );
  }
  let audience: Audience | undefined;
  if (route.version === "v1") {
    const resource = required(params, "resource");
    audience = audienceOfResource(resource);
    if (audience === undefined) {
      throw new AadError(
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${route.tenant}.`,
      );
    }
  } else {
    const scope = required(params, "scope");
    audience = audienceOfScope(scope);
    if (audience === undefined) {
      throw new AadError(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
  }
  const issued = core.tokens.issue(
    { name: `${route.tenant}/${clientId}`, publishers: client.publishers },
    undefined,
    audience,
  );
  // Real AAD reports a second less than the lifetime (the sample says 3599 for a 60-minute token).
  const lifetime = Math.floor((issued.expiresAt - issued.issuedAt) / 1000);
  const expiresIn = Math.max(1, lifetime - 1);
  const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (route.version === "v1") {
    const nowSecs = Math.floor(issued.issuedAt / 1000);
    sendJson(
      ctx.res,
      200,
      {
        token_type: "Bearer",
        expires_in: String(expiresIn),
        ext_expires_in: String(expiresIn),
        expires_on: String(nowSecs + expiresIn),
        not_before: String(nowSecs),
        resource: params.get("resource"),
        access_token: issued.token,
      },
      headers,
    );
  } else {
    sendJson(
      ctx.res,
      200,
      { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: issued.token },
      headers,
    );
  }
}
