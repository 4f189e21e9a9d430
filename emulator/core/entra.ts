// Azure AD (Entra ID) client-credentials token endpoints, served on the same origin so the emulator
// URL doubles as the authority host:
//   POST /{tenant}/oauth2/token        v1: resource=https://cloudpartner.azure.com, numbers AS STRINGS
//   POST /{tenant}/oauth2/v2.0/token   v2: scope=https://cloudpartner.azure.com/.default, numbers as numbers
//   GET  /{tenant}[/v2.0]/.well-known/openid-configuration  (discovery)
//   GET  /{tenant}/discovery[/v2.0]/keys                     (its jwks_uri: no keys, tokens are opaque)
// The client authenticates with a secret (client_secret_post or client_secret_basic) or with a
// federated client assertion (client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
// jwt-bearer, checked by federation.ts). Errors use AAD's shape {"error","error_description",
// "error_codes",…}, not the CPP one.
//
// What MSAL (@azure/msal-node 5.6, under @azure/identity 4.13) asks of an authority, found by running
// ClientSecretCredential, EnvironmentCredential and WorkloadIdentityCredential against this emulator
// with authorityHost = emu.url (tests/emulator/entra.test.ts):
//   * it refuses an http authority: the emulator must run with `tls` and the client process must
//     trust its CA (NODE_EXTRA_CA_CERTS=emu.caCertPath, read at process start);
//   * unless told otherwise it first does "instance discovery" against the PUBLIC cloud, whatever the
//     authority: GET https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&
//     authorization_endpoint=<authority>/oauth2/v2.0/authorize. No option moves that host, so
//     serving the route here would not help. `disableInstanceDiscovery: true` in the credential
//     options (@azure/identity then passes knownAuthorities=[authorityHost] to MSAL) is what
//     avoids it: with it, and only with it, every request goes to the emulator;
//   * then GET <authority>/<tenant>/v2.0/.well-known/openid-configuration, which must have
//     authorization_endpoint, token_endpoint, issuer and jwks_uri, with the issuer on the
//     authority's own scheme, host and port (MSAL's issuer validation);
//   * then POST <token_endpoint>, form-encoded: grant_type=client_credentials, client_id, scope
//     (…/.default), client_info=1 and either client_secret or client_assertion_type +
//     client_assertion. The v1 endpoint is never used by MSAL.

import { randomUUID } from "node:crypto";

import { AUDIENCE_RESOURCES, type Audience } from "./auth";
import type { Core } from "./services";
import { AssertionError, JWT_BEARER_ASSERTION_TYPE, type AssertionProblem } from "./federation";
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

class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
  }
}

function sendEntraError(core: Core, ctx: RequestContext, e: EntraError): void {
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

export type EntraRoute =
  | { kind: "token"; tenant: string; version: "v1" | "v2" }
  | { kind: "openid"; tenant: string; version: "v1" | "v2" }
  | { kind: "keys"; tenant: string; version: "v1" | "v2" };

/** Recognizes the AAD paths; anything else is not ours. */
export function matchEntra(segments: string[]): EntraRoute | undefined {
  const [tenant, ...rest] = segments;
  if (tenant === undefined || tenant === "") return undefined;
  const path = rest.join("/");
  if (path === "oauth2/token") return { kind: "token", tenant, version: "v1" };
  if (path === "oauth2/v2.0/token") return { kind: "token", tenant, version: "v2" };
  if (path === ".well-known/openid-configuration") return { kind: "openid", tenant, version: "v1" };
  if (path === "v2.0/.well-known/openid-configuration") return { kind: "openid", tenant, version: "v2" };
  if (path === "discovery/keys") return { kind: "keys", tenant, version: "v1" };
  if (path === "discovery/v2.0/keys") return { kind: "keys", tenant, version: "v2" };
  return undefined;
}

export function handleEntra(core: Core, ctx: RequestContext, route: EntraRoute): void {
  try {
    if (route.kind === "openid") openidConfiguration(core, ctx, route);
    else if (route.kind === "keys") signingKeys(core, ctx, route);
    else token(core, ctx, route);
  } catch (e) {
    if (e instanceof EntraError) sendEntraError(core, ctx, e);
    else throw e;
  }
}

function tenantConfig(core: Core, tenant: string) {
  const config = Object.prototype.hasOwnProperty.call(core.tenants, tenant)
    ? core.tenants[tenant]
    : undefined;
  if (config === undefined) {
    throw new EntraError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  return config;
}

function openidConfiguration(core: Core, ctx: RequestContext, route: EntraRoute): void {
  if (ctx.method !== "GET")
    throw new EntraError(405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
  tenantConfig(core, route.tenant);
  const base = `${core.url}/${encodeURIComponent(route.tenant)}`;
  const v2 = route.version === "v2";
  // The fields and values of Entra's documents, with the emulator's origin for Entra's hosts. Only
  // the token endpoint exists here: the emulator serves the client-credentials grant alone.
  const oauth = v2 ? `${base}/oauth2/v2.0` : `${base}/oauth2`;
  sendJson(
    ctx.res,
    200,
    {
      token_endpoint: `${oauth}/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: v2 ? `${base}/discovery/v2.0/keys` : `${base}/discovery/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: v2
        ? ["code", "id_token", "code id_token", "id_token token"]
        : ["code", "id_token", "code id_token", "token id_token", "token"],
      scopes_supported: v2 ? ["openid", "profile", "email", "offline_access"] : ["openid"],
      issuer: v2 ? `${base}/v2.0` : `${base}/`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${oauth}/authorize`,
      device_authorization_endpoint: `${oauth}/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${oauth}/logout`,
      grant_types_supported: ["client_credentials"],
      tenant_region_scope: "WW",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
    },
    { "Cache-Control": "max-age=86400, private" },
  );
}

/** The jwks_uri of the discovery documents. Access tokens here are opaque, so nothing signs them. */
function signingKeys(core: Core, ctx: RequestContext, route: EntraRoute): void {
  if (ctx.method !== "GET")
    throw new EntraError(405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
  tenantConfig(core, route.tenant);
  sendJson(ctx.res, 200, { keys: [] });
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw new EntraError(
      400,
      "invalid_request",
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  }
  return value;
}

/**
 * Checks a federated client assertion, as Entra reports each failure: malformed (AADSTS50027),
 * not signed by the issuer's key (AADSTS700027), outside its lifetime (AADSTS700024), or no
 * federated credential of the client matching its iss, sub and aud (AADSTS70021).
 */
function checkAssertion(
  core: Core,
  params: URLSearchParams,
  credentials: Parameters<Core["federation"]["verify"]>[1],
): void {
  const type = required(params, "client_assertion_type");
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new EntraError(400, "invalid_request", 90011, "Unexpected client assertion type.");
  }
  try {
    core.federation.verify(required(params, "client_assertion"), credentials);
  } catch (e) {
    if (e instanceof AssertionError) throw assertionError(e.problem);
    throw e;
  }
}

const aadTime = (epochSeconds: number): string =>
  new Date(epochSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");

function assertionError(problem: AssertionProblem): EntraError {
  switch (problem.kind) {
    case "malformed":
      return new EntraError(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
    case "signature":
      return new EntraError(
        401,
        "invalid_client",
        700027,
        `Client assertion contains an invalid signature. [Reason - ${problem.detail}]`,
      );
    case "lifetime":
      return new EntraError(
        401,
        "invalid_client",
        700024,
        `Client assertion is not within its valid time range. Current time: ${aadTime(problem.now)}, ` +
          `assertion valid from ${problem.notBefore !== undefined ? aadTime(problem.notBefore) : "(not set)"}, ` +
          `expiry time of assertion ${aadTime(problem.expires)}.`,
      );
    case "noMatch": {
      const aud = Array.isArray(problem.claims.aud) ? problem.claims.aud.join(",") : problem.claims.aud;
      return new EntraError(
        400,
        "invalid_request",
        70021,
        `No matching federated identity record found for presented assertion. Assertion Issuer: '${problem.claims.iss}'. ` +
          `Assertion Subject: '${problem.claims.sub}'. Assertion Audience: '${aud}'.`,
      );
    }
  }
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
        throw new EntraError(401, "invalid_client", 7000215, "The Basic authorization header is malformed.");
      }
    }
  }
  return { clientId: required(params, "client_id"), secret: params.get("client_secret") ?? undefined };
}

function token(core: Core, ctx: RequestContext, route: EntraRoute): void {
  if (ctx.method !== "POST")
    throw new EntraError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
  const tenant = tenantConfig(core, route.tenant);
  const params = new URLSearchParams(ctx.body);
  const grantType = required(params, "grant_type");
  if (grantType !== "client_credentials") {
    throw new EntraError(
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
    throw new EntraError(
      401,
      "invalid_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${route.tenant}'.`,
    );
  }
  const assertion = params.has("client_assertion") || params.has("client_assertion_type");
  if (assertion) {
    checkAssertion(core, params, client.federatedCredentials ?? []);
  } else if (secret === undefined || secret === "") {
    throw new EntraError(
      401,
      "invalid_client",
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
  } else if (client.secret === undefined || secret !== client.secret) {
    throw new EntraError(
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
      throw new EntraError(
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
      throw new EntraError(
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
