// The part of a seed both APIs share: who may sign in (tenants, their clients and federated
// credentials), which bearer tokens are accepted without signing in, and how long issued tokens
// live. The API folders add their own parts; emulator/seed.ts composes them into one seed.

import type { FederatedCredential } from "./federation";
import { checkId, checkKeys, describe, expectObject, expectString, fail } from "./validate";

export interface ClientConfig {
  /** The client secret; a client needs a secret, federated credentials or both. */
  secret?: string;
  /** Publisher ids this client's tokens may touch; "*" means all. */
  publishers: string[];
  /**
   * Workload identity federation: the assertions this client may present instead of a secret
   * (federation.ts). `issuer` defaults to the emulator's own OIDC issuer, `audience` to
   * api://AzureADTokenExchange.
   */
  federatedCredentials?: FederatedCredential[];
}

export interface TenantConfig {
  clients: Record<string, ClientConfig>;
}

export interface StaticTokenConfig {
  publishers: string[];
}

export interface CoreSeed {
  tokenLifetimeSeconds?: number;
  tenants?: Record<string, TenantConfig>;
  /** Bearer tokens accepted without going through the token endpoint (curl sessions, tests). */
  staticTokens?: Record<string, StaticTokenConfig>;
}

/** The top-level properties of a seed that this part reads. */
export const CORE_SEED_KEYS = ["tokenLifetimeSeconds", "tenants", "staticTokens"] as const;

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** The sign-in part of the default seed described in emulator/README.md. */
export function defaultCoreSeed(): CoreSeed {
  return {
    tokenLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
    tenants: {
      "demo-tenant": {
        clients: { "demo-client": { secret: "demo-secret", publishers: ["contoso"] } },
      },
    },
    staticTokens: { "emulator-token": { publishers: ["*"] } },
  };
}

/** Reads the CORE_SEED_KEYS of a seed's (already object-checked) root; other keys are the caller's. */
export function parseCoreSeed(root: Record<string, unknown>, source: string): CoreSeed {
  const seed: CoreSeed = {};
  if (root.tokenLifetimeSeconds !== undefined) {
    const t = root.tokenLifetimeSeconds;
    if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
      fail(`${source}.tokenLifetimeSeconds`, `must be a positive number of seconds, got ${describe(t)}`);
    }
    seed.tokenLifetimeSeconds = t;
  }
  if (root.tenants !== undefined) {
    seed.tenants = {};
    for (const [tenant, tv] of Object.entries(expectObject(root.tenants, `${source}.tenants`))) {
      const tpath = `${source}.tenants.${tenant}`;
      checkId(tenant, tpath);
      const t = expectObject(tv, tpath);
      checkKeys(t, tpath, ["clients"]);
      const clients: Record<string, ClientConfig> = {};
      for (const [clientId, cv] of Object.entries(expectObject(t.clients ?? {}, `${tpath}.clients`))) {
        clients[clientId] = parseClient(cv, `${tpath}.clients.${clientId}`);
      }
      seed.tenants[tenant] = { clients };
    }
  }
  if (root.staticTokens !== undefined) {
    seed.staticTokens = {};
    for (const [token, sv] of Object.entries(expectObject(root.staticTokens, `${source}.staticTokens`))) {
      // The token itself is a key; do not echo it into error messages.
      const spath = `${source}.staticTokens[${Object.keys(seed.staticTokens).length}]`;
      if (!/^[A-Za-z0-9._~+/=-]+$/.test(token))
        fail(spath, "a static token must be a non-empty token68 string");
      const s = expectObject(sv, spath);
      checkKeys(s, spath, ["publishers"]);
      seed.staticTokens[token] = {
        publishers: expectPublisherList(s.publishers ?? ["*"], `${spath}.publishers`),
      };
    }
  }
  return seed;
}

function parseClient(v: unknown, cpath: string): ClientConfig {
  const c = expectObject(v, cpath);
  checkKeys(c, cpath, ["secret", "publishers", "federatedCredentials"]);
  const federated =
    c.federatedCredentials === undefined
      ? undefined
      : parseFederatedCredentials(c.federatedCredentials, `${cpath}.federatedCredentials`);
  if (c.secret === undefined && federated === undefined) {
    fail(`${cpath}.secret`, "is required unless the client has federatedCredentials");
  }
  return {
    ...(c.secret !== undefined ? { secret: expectString(c.secret, `${cpath}.secret`) } : {}),
    publishers: expectPublisherList(c.publishers ?? [], `${cpath}.publishers`),
    ...(federated !== undefined ? { federatedCredentials: federated } : {}),
  };
}

function expectPublisherList(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.length === 0)) {
    fail(path, `must be an array of publisher ids (or "*"), got ${describe(v)}`);
  }
  return v as string[];
}

function parseFederatedCredentials(v: unknown, path: string): FederatedCredential[] {
  if (!Array.isArray(v))
    fail(path, `must be an array of { issuer?, subject, audience? }, got ${describe(v)}`);
  return v.map((item, i) => {
    const ipath = `${path}[${i}]`;
    const o = expectObject(item, ipath);
    checkKeys(o, ipath, ["issuer", "subject", "audience"]);
    return {
      ...(o.issuer !== undefined ? { issuer: expectString(o.issuer, `${ipath}.issuer`) } : {}),
      subject: expectString(o.subject, `${ipath}.subject`),
      ...(o.audience !== undefined ? { audience: expectString(o.audience, `${ipath}.audience`) } : {}),
    };
  });
}
