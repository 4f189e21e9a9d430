// Seed: the emulator's initial world (tenants, clients, tokens, publishers, offers and their quirks),
// its defaults and its validation.
//
// A seed comes from a JSON file that a person wrote by hand, so validation is strict and every
// message names the offending path (`publishers.contoso.offers.x.cancelMode`) and what is allowed:
// a typo such as "cancelmode" must fail loudly instead of silently falling back to a default.

import { readFileSync } from "node:fs";

import type { FederatedCredential } from "./federation";

import { defaultIngestionSeed, parseIngestionSeed, type IngestionSeed } from "./ingestion/settings";

export type PcMigrationStatus = "migrated" | "none";
export type CancelMode = "sync" | "async";
export type Vocabulary = "complete" | "completed";
export type LocationHeaderMode = "location" | "operation-location-absolute" | "none";
export type SubmissionKind = "publish" | "golive";

/** Per-offer behaviour, including the quirks of the live service that clients must tolerate. */
export interface OfferConfig {
  /** Decides the Location form: migrated → /api/publishers/…/operations/{guid}; none → /api/operations/p$o$n$slot. */
  pcMigrationStatus?: PcMigrationStatus;
  /** sync → cancel answers 200 with no Location; async → 202 and a cancellation operation. */
  cancelMode?: CancelMode;
  /** Emulated seconds an async cancellation operation runs. */
  cancelSeconds?: number;
  /** Emulated seconds a publish or go-live runs. */
  operationSeconds?: number;
  /** Terminal success word of operations and steps. */
  vocabulary?: Vocabulary;
  /** Which header (if any) carries the operation URL on 202 answers. */
  locationHeader?: LocationHeaderMode;
  /** GET operation returns the object wrapped in a one-element array (as the reference example does). */
  arrayBody?: boolean;
  /** Async cancellations end `failed` with this step message and the operation keeps running. null clears it. */
  failCancellation?: { message: string } | null;
  /** Seed only: an operation already running when the emulator starts. */
  running?: { submissionType: SubmissionKind };
}

/** A change to an offer's config: a property set to null (or undefined) goes back to its default. */
export type OfferConfigPatch = { [K in keyof OfferConfig]?: OfferConfig[K] | null };

export interface ResolvedOfferConfig {
  pcMigrationStatus: PcMigrationStatus;
  cancelMode: CancelMode;
  cancelSeconds: number;
  operationSeconds: number;
  vocabulary: Vocabulary;
  locationHeader: LocationHeaderMode;
  arrayBody: boolean;
  failCancellation?: { message: string };
}

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

export interface PublisherConfig {
  offers?: Record<string, OfferConfig>;
}

export interface Seed {
  tokenLifetimeSeconds?: number;
  tenants?: Record<string, TenantConfig>;
  /** Bearer tokens accepted without going through the token endpoint (curl sessions, tests). */
  staticTokens?: Record<string, StaticTokenConfig>;
  publishers?: Record<string, PublisherConfig>;
  /** The Product Ingestion API's products, jobs and switches (emulator/ingestion/settings.ts). */
  ingestion?: IngestionSeed;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export const OFFER_DEFAULTS: ResolvedOfferConfig = Object.freeze({
  pcMigrationStatus: "migrated",
  cancelMode: "async",
  cancelSeconds: 5,
  operationSeconds: 600,
  vocabulary: "complete",
  locationHeader: "location",
  arrayBody: false,
});

/** The world described in the README and used by the demo and the tests. */
export function defaultSeed(): Seed {
  return {
    tokenLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
    tenants: {
      "demo-tenant": {
        clients: { "demo-client": { secret: "demo-secret", publishers: ["contoso"] } },
      },
    },
    staticTokens: { "emulator-token": { publishers: ["*"] } },
    publishers: {
      contoso: {
        offers: {
          "contoso-offer": {
            pcMigrationStatus: "migrated",
            cancelMode: "async",
            cancelSeconds: 5,
            operationSeconds: 600,
            running: { submissionType: "publish" },
          },
          "legacy-offer": { pcMigrationStatus: "none", cancelMode: "sync" },
        },
      },
      fabrikam: { offers: { "fabrikam-vm": {} } },
    },
    ingestion: defaultIngestionSeed(),
  };
}

export class SeedError extends Error {
  override readonly name = "SeedError";
}

/** Applies a validated patch to a resolved config. `null`/`undefined` values reset to the default. */
export function applyOfferPatch(base: ResolvedOfferConfig, patch: OfferConfigPatch): ResolvedOfferConfig {
  const next: ResolvedOfferConfig = { ...base };
  const set = <K extends keyof ResolvedOfferConfig>(
    key: K,
    value: ResolvedOfferConfig[K] | null | undefined,
  ) => {
    if (value === undefined || value === null) {
      if (key === "failCancellation") delete next.failCancellation;
      else next[key] = OFFER_DEFAULTS[key];
    } else {
      next[key] = value;
    }
  };
  for (const key of Object.keys(patch) as (keyof OfferConfigPatch)[]) {
    if (key === "running") continue; // an action, not a setting: the state store handles it
    set(key, patch[key]);
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Validation. `parseSeed` and `parseOfferConfig` take untrusted JSON and return typed values or
// throw SeedError("<path>: <problem>").

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function describe(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

export function fail(path: string, problem: string): never {
  throw new SeedError(`${path}: ${problem}`);
}

export function expectObject(v: Json, path: string): Record<string, Json> {
  if (!isObject(v)) fail(path, `must be an object, got ${describe(v)}`);
  return v;
}

export function checkKeys(o: Record<string, Json>, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      fail(`${path}.${key}`, `unknown property (allowed: ${allowed.join(", ")})`);
    }
  }
}

export function expectString(v: Json, path: string): string {
  if (typeof v !== "string" || v.length === 0) fail(path, `must be a non-empty string, got ${describe(v)}`);
  return v;
}

export function expectEnum<const T extends string>(v: Json, path: string, values: readonly T[]): T {
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    fail(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}, got ${describe(v)}`);
  }
  return v as T;
}

export function expectSeconds(v: Json, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    fail(path, `must be a non-negative number of seconds, got ${describe(v)}`);
  }
  return v;
}

function expectPublisherList(v: Json, path: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.length === 0)) {
    fail(path, `must be an array of publisher ids (or "*"), got ${describe(v)}`);
  }
  return v as string[];
}

/**
 * Ids end up in URL paths and in the `p$o$n$slot` legacy operation id, so the characters that would
 * make those ambiguous are refused here rather than producing confusing 404s later.
 */
export function checkId(id: string, path: string): void {
  if (id.length === 0 || id.length > 200 || /[/?#%$\s\\]/.test(id) || id === "." || id === "..") {
    fail(path, `${JSON.stringify(id)} is not a usable id (no / ? # % $ \\ or whitespace, 1–200 characters)`);
  }
}

const OFFER_KEYS = [
  "pcMigrationStatus",
  "cancelMode",
  "cancelSeconds",
  "operationSeconds",
  "vocabulary",
  "locationHeader",
  "arrayBody",
  "failCancellation",
  "running",
] as const;

export function parseOfferConfig(v: Json, path = "offer"): OfferConfigPatch {
  const o = expectObject(v, path);
  checkKeys(o, path, OFFER_KEYS);
  const out: OfferConfigPatch = {};
  // null is accepted everywhere and means "back to the default".
  const present = (k: string) => k in o && o[k] !== null && o[k] !== undefined;
  for (const k of OFFER_KEYS) if (k in o && o[k] === null) out[k] = null;
  if (present("pcMigrationStatus")) {
    out.pcMigrationStatus = expectEnum(o.pcMigrationStatus, `${path}.pcMigrationStatus`, [
      "migrated",
      "none",
    ]);
  }
  if (present("cancelMode"))
    out.cancelMode = expectEnum(o.cancelMode, `${path}.cancelMode`, ["sync", "async"]);
  if (present("cancelSeconds")) out.cancelSeconds = expectSeconds(o.cancelSeconds, `${path}.cancelSeconds`);
  if (present("operationSeconds")) {
    out.operationSeconds = expectSeconds(o.operationSeconds, `${path}.operationSeconds`);
  }
  if (present("vocabulary")) {
    out.vocabulary = expectEnum(o.vocabulary, `${path}.vocabulary`, ["complete", "completed"]);
  }
  if (present("locationHeader")) {
    out.locationHeader = expectEnum(o.locationHeader, `${path}.locationHeader`, [
      "location",
      "operation-location-absolute",
      "none",
    ]);
  }
  if (present("arrayBody")) {
    if (typeof o.arrayBody !== "boolean")
      fail(`${path}.arrayBody`, `must be true or false, got ${describe(o.arrayBody)}`);
    out.arrayBody = o.arrayBody;
  }
  if (present("failCancellation")) {
    const fc = expectObject(o.failCancellation, `${path}.failCancellation`);
    checkKeys(fc, `${path}.failCancellation`, ["message"]);
    out.failCancellation = { message: expectString(fc.message, `${path}.failCancellation.message`) };
  }
  if (present("running")) {
    const r = expectObject(o.running, `${path}.running`);
    checkKeys(r, `${path}.running`, ["submissionType"]);
    out.running = {
      submissionType: expectEnum(r.submissionType, `${path}.running.submissionType`, ["publish", "golive"]),
    };
  }
  return out;
}

export function parseSeed(v: Json, source = "seed"): Seed {
  const root = expectObject(v, source);
  checkKeys(root, source, [
    "$schema",
    "$comment",
    "tokenLifetimeSeconds",
    "tenants",
    "staticTokens",
    "publishers",
    "ingestion",
  ]);
  const seed: Seed = {};
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
        const cpath = `${tpath}.clients.${clientId}`;
        const c = expectObject(cv, cpath);
        checkKeys(c, cpath, ["secret", "publishers", "federatedCredentials"]);
        const federated =
          c.federatedCredentials === undefined
            ? undefined
            : parseFederatedCredentials(c.federatedCredentials, `${cpath}.federatedCredentials`);
        if (c.secret === undefined && federated === undefined) {
          fail(`${cpath}.secret`, "is required unless the client has federatedCredentials");
        }
        clients[clientId] = {
          ...(c.secret !== undefined ? { secret: expectString(c.secret, `${cpath}.secret`) } : {}),
          publishers: expectPublisherList(c.publishers ?? [], `${cpath}.publishers`),
          ...(federated !== undefined ? { federatedCredentials: federated } : {}),
        };
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
  if (root.publishers !== undefined) {
    seed.publishers = {};
    for (const [publisherId, pv] of Object.entries(expectObject(root.publishers, `${source}.publishers`))) {
      const ppath = `${source}.publishers.${publisherId}`;
      checkId(publisherId, ppath);
      const p = expectObject(pv, ppath);
      checkKeys(p, ppath, ["offers"]);
      const offers: Record<string, OfferConfig> = {};
      for (const [offerId, ov] of Object.entries(expectObject(p.offers ?? {}, `${ppath}.offers`))) {
        const opath = `${ppath}.offers.${offerId}`;
        checkId(offerId, opath);
        offers[offerId] = withoutNulls(parseOfferConfig(ov, opath));
      }
      seed.publishers[publisherId] = { offers };
    }
  }
  if (root.ingestion !== undefined)
    seed.ingestion = parseIngestionSeed(root.ingestion, `${source}.ingestion`);
  return seed;
}

function parseFederatedCredentials(v: Json, path: string): FederatedCredential[] {
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

function withoutNulls(patch: OfferConfigPatch): OfferConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== null && v !== undefined) out[k] = v;
  return out as OfferConfig;
}

/** Reads and validates a seed file; every error message names the file. */
export function loadSeedFile(file: string): Seed {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SeedError(`cannot read seed file ${file}: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SeedError(`seed file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseSeed(json, "seed");
  } catch (e) {
    if (e instanceof SeedError) throw new SeedError(`invalid seed file ${file}: ${e.message}`);
    throw e;
  }
}
