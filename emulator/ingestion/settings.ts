// The Product Ingestion emulator's settings (the switches of docs/ingestion-api.md §7 and the defaults of
// new jobs), its part of the seed, and their validation. Validation is as strict as the rest of the
// seed (core/validate.ts): an unknown key or a wrong value fails with the path that holds it.

import {
  checkKeys,
  describe,
  expectBoolean,
  expectEnum,
  expectObject,
  expectSeconds,
  expectString,
  fail,
} from "../core/validate";

/** The hosts a `$schema` URL may name; requests may use either, replies use the chosen one. */
export const SCHEMA_HOSTS = {
  mp: "https://schema.mp.microsoft.com",
  azureedge: "https://product-ingestion.azureedge.net",
} as const;
export type SchemaHost = keyof typeof SCHEMA_HOSTS;

export type JobIdField = "jobId" | "jobID";
export type JobEndSentinel = "0001-01-01T00:00:00" | "0001-01-01";
export type FirstStatus = "notStarted" | "running";
export type IngestionCancelMode = "sync" | "async";
export type CancelledSubmission = "failed" | "removed";
export type PublishTarget = "preview" | "live";
export type ScriptedResult = "succeeded" | "failed";

/** An item of a job's `errors[]` (docs/ingestion-api.md §6). */
export interface IngestionErrorItem {
  code: string;
  message?: string;
  resourceId?: string;
  details?: IngestionErrorItem[];
}

/**
 * Everything a test or a seed can switch. Every property has a default (INGESTION_DEFAULTS); a
 * patch sets some of them, `null` puts one back to its default.
 */
export interface IngestionSettings {
  /** Spelling of the job id in configure-status replies. Default "jobId". */
  jobIdField: JobIdField;
  /** Host of the `$schema` URLs in replies. Default "mp" (schema.mp.microsoft.com). */
  schemaHost: SchemaHost;
  /** `jobEnd` while a job is unfinished. Default "0001-01-01T00:00:00". */
  jobEndSentinel: JobEndSentinel;
  /** What the reply of POST configure says: "running" skips the notStarted phase of new jobs. */
  firstStatus: FirstStatus;
  /** HTTP status of a successful POST configure. Default 200. */
  configureStatusCode: 200 | 202;
  /** `$version` missing → 400 when true; treated as 2022-03-01-preview2 when false (default). */
  versionRequired: boolean;
  /** `$version` values answered with the real service's no-details 400 "… is a deprecated schema". */
  deprecatedVersions: string[];
  /** sync (default): cancel answers a terminal completed/cancelled; async: answers running/pending. */
  cancelMode: IngestionCancelMode;
  /** async mode: emulated seconds between the cancel request and the job turning cancelled. */
  asyncCancelSeconds: number;
  /** What a cancelled publish leaves in the submissions list: completed/failed (default) or nothing. */
  cancelledSubmission: CancelledSubmission;
  /** HTTP status of GET configure/{id} before the job completed. Default 400. */
  detailBeforeCompletionStatus: number;
  /** Default emulated seconds a new job reports notStarted. */
  notStartedSeconds: number;
  /** Default emulated seconds a new job then runs before completing. */
  runningSeconds: number;
  /** Publish jobs: seconds after the job start from which a cancel is refused; null = never. */
  pointOfNoReturnSeconds: number | null;
  /** Result of jobs started by POST configure. */
  result: ScriptedResult;
  /** `errors[]` of jobs started by POST configure when `result` is failed. */
  errors: IngestionErrorItem[];
}

export type IngestionSettingsPatch = { [K in keyof IngestionSettings]?: IngestionSettings[K] | null };

export const INGESTION_DEFAULTS: Readonly<IngestionSettings> = Object.freeze({
  jobIdField: "jobId",
  schemaHost: "mp",
  jobEndSentinel: "0001-01-01T00:00:00",
  firstStatus: "notStarted",
  configureStatusCode: 200,
  versionRequired: false,
  deprecatedVersions: ["2022-03-01-preview3"],
  cancelMode: "sync",
  asyncCancelSeconds: 30,
  cancelledSubmission: "failed",
  detailBeforeCompletionStatus: 400,
  notStartedSeconds: 5,
  runningSeconds: 600,
  pointOfNoReturnSeconds: null,
  result: "succeeded",
  errors: [],
}) as Readonly<IngestionSettings>;

/** A resource of a scripted job that is applied at a chosen time (so a cancel can be partial). */
export interface ScriptedResource {
  /** The resource type, as in `$schema` …/schema/<type>/<version>. Default "property". */
  type?: string;
  /** Emulated seconds after the job start when it is applied. Default: spread over the run. */
  finishAfterSeconds?: number;
}

/**
 * A publish job, as POST configure with a submission resource starts one, with its timing and
 * outcome scripted. Unset numbers come from the settings.
 */
export interface PublishJobOptions {
  /** `product/<guid>`, the bare guid, or the product's external id. */
  product: string;
  /** Default "preview". */
  targetType?: PublishTarget;
  /** Emulated seconds in notStarted (default: settings.notStartedSeconds). */
  notStartedSeconds?: number;
  /** Emulated seconds in running (default: settings.runningSeconds). */
  runningSeconds?: number;
  /** Default "succeeded". */
  result?: ScriptedResult;
  /** `errors[]` when result is failed. */
  errors?: IngestionErrorItem[];
  /**
   * Resources the job applies before the submission (which is always the last one and is applied
   * at completion). Each is applied at its `finishAfterSeconds`.
   */
  resources?: ScriptedResource[];
  /** Seconds after the job start from which a cancel is refused; null = never. Default: settings. */
  pointOfNoReturnSeconds?: number | null;
  /** Seed only: a fixed job id (a GUID). Default: a random one. */
  id?: string;
}

/** A submission that exists before the emulator starts (seed only). */
export interface SeedSubmission {
  targetType: PublishTarget;
  /** Default "succeeded". */
  result?: ScriptedResult;
}

export interface IngestionProductConfig {
  /** The durable id's GUID. Default: a random one. */
  id?: string;
  /** The publisher (seller account) the product belongs to; tokens need it in their publishers. */
  publisher: string;
  /** Default "azureVirtualMachine". */
  type?: string;
  /** Default: the external id. */
  alias?: string;
  /** Submissions already completed (besides the draft). */
  submissions?: SeedSubmission[];
}

/** The `ingestion` section of a seed. */
export interface IngestionSeed {
  settings?: IngestionSettingsPatch;
  /** Keyed by external id (the offer id). */
  products?: Record<string, IngestionProductConfig>;
  /** Publish jobs already under way when the emulator starts; `product` names an external id. */
  jobs?: PublishJobOptions[];
}

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The product of the default seed: the demo and the tests publish and cancel on it. */
export const DEFAULT_INGESTION_PRODUCT = Object.freeze({
  externalId: "contoso-ingestion-offer",
  id: "6d8a2b5e-3c1f-4e9a-9b7d-2f0c4a1e8b53",
});

export function defaultIngestionSeed(): IngestionSeed {
  return {
    products: {
      [DEFAULT_INGESTION_PRODUCT.externalId]: {
        id: DEFAULT_INGESTION_PRODUCT.id,
        publisher: "contoso",
        type: "azureVirtualMachine",
        alias: "Contoso ingestion offer",
        submissions: [{ targetType: "preview" }, { targetType: "live" }],
      },
      "fabrikam-ingestion-offer": { publisher: "fabrikam", type: "azureApplication" },
    },
  };
}

export function applySettingsPatch(
  base: IngestionSettings,
  patch: IngestionSettingsPatch,
): IngestionSettings {
  const next: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    next[k] = v === null || v === undefined ? INGESTION_DEFAULTS[k as keyof IngestionSettings] : v;
  }
  return next as unknown as IngestionSettings;
}

// ---------------------------------------------------------------------------------------------
// Validation of untrusted JSON (seed files, admin API bodies, TypeScript callers at run time).

type Json = unknown;

const SETTINGS_KEYS = Object.keys(INGESTION_DEFAULTS) as (keyof IngestionSettings)[];

function expectGuid(v: Json, path: string): string {
  const s = expectString(v, path);
  if (!GUID_PATTERN.test(s)) fail(path, `must be a GUID, got ${describe(v)}`);
  return s.toLowerCase();
}

function expectStatus4xx(v: Json, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 400 || v > 499) {
    fail(path, `must be an HTTP status from 400 to 499, got ${describe(v)}`);
  }
  return v;
}

export function parseErrorItems(v: Json, path: string): IngestionErrorItem[] {
  if (!Array.isArray(v)) fail(path, `must be an array of {code, message?, resourceId?}, got ${describe(v)}`);
  return v.map((item, i) => {
    const p = `${path}[${i}]`;
    const o = expectObject(item, p);
    checkKeys(o, p, ["code", "message", "resourceId", "details"]);
    const out: IngestionErrorItem = { code: expectString(o.code, `${p}.code`) };
    if (o.message !== undefined) out.message = expectString(o.message, `${p}.message`);
    if (o.resourceId !== undefined) out.resourceId = expectString(o.resourceId, `${p}.resourceId`);
    if (o.details !== undefined) out.details = parseErrorItems(o.details, `${p}.details`);
    return out;
  });
}

export function parseSettingsPatch(v: Json, path = "settings"): IngestionSettingsPatch {
  const o = expectObject(v, path);
  checkKeys(o, path, SETTINGS_KEYS);
  const out: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) {
    if (!(key in o) || o[key] === undefined) continue;
    const value = o[key];
    const p = `${path}.${key}`;
    if (value === null) {
      out[key] = null;
      continue;
    }
    switch (key) {
      case "jobIdField":
        out[key] = expectEnum(value, p, ["jobId", "jobID"]);
        break;
      case "schemaHost":
        out[key] = expectEnum(value, p, ["mp", "azureedge"]);
        break;
      case "jobEndSentinel":
        out[key] = expectEnum(value, p, ["0001-01-01T00:00:00", "0001-01-01"]);
        break;
      case "firstStatus":
        out[key] = expectEnum(value, p, ["notStarted", "running"]);
        break;
      case "configureStatusCode":
        if (value !== 200 && value !== 202) fail(p, `must be 200 or 202, got ${describe(value)}`);
        out[key] = value;
        break;
      case "versionRequired":
        out[key] = expectBoolean(value, p);
        break;
      case "deprecatedVersions":
        if (!Array.isArray(value)) fail(p, `must be an array of $version values, got ${describe(value)}`);
        out[key] = value.map((x, i) => expectString(x, `${p}[${i}]`));
        break;
      case "cancelMode":
        out[key] = expectEnum(value, p, ["sync", "async"]);
        break;
      case "cancelledSubmission":
        out[key] = expectEnum(value, p, ["failed", "removed"]);
        break;
      case "detailBeforeCompletionStatus":
        out[key] = expectStatus4xx(value, p);
        break;
      case "asyncCancelSeconds":
      case "notStartedSeconds":
      case "runningSeconds":
      case "pointOfNoReturnSeconds":
        out[key] = expectSeconds(value, p);
        break;
      case "result":
        out[key] = expectEnum(value, p, ["succeeded", "failed"]);
        break;
      case "errors":
        out[key] = parseErrorItems(value, p);
        break;
    }
  }
  return out as IngestionSettingsPatch;
}

const JOB_KEYS = [
  "product",
  "targetType",
  "notStartedSeconds",
  "runningSeconds",
  "result",
  "errors",
  "resources",
  "pointOfNoReturnSeconds",
  "id",
] as const;

/** Validates publish-job options; `allowId` only for seeds (a fixed id is a seed convenience). */
export function parsePublishJobOptions(v: Json, path: string, allowId: boolean): PublishJobOptions {
  const o = expectObject(v, path);
  checkKeys(
    o,
    path,
    JOB_KEYS.filter((k) => allowId || k !== "id"),
  );
  const out: PublishJobOptions = { product: expectString(o.product, `${path}.product`) };
  if (o.targetType !== undefined)
    out.targetType = expectEnum(o.targetType, `${path}.targetType`, ["preview", "live"]);
  if (o.notStartedSeconds !== undefined)
    out.notStartedSeconds = expectSeconds(o.notStartedSeconds, `${path}.notStartedSeconds`);
  if (o.runningSeconds !== undefined)
    out.runningSeconds = expectSeconds(o.runningSeconds, `${path}.runningSeconds`);
  if (o.result !== undefined) out.result = expectEnum(o.result, `${path}.result`, ["succeeded", "failed"]);
  if (o.errors !== undefined) out.errors = parseErrorItems(o.errors, `${path}.errors`);
  if (o.pointOfNoReturnSeconds !== undefined) {
    out.pointOfNoReturnSeconds =
      o.pointOfNoReturnSeconds === null
        ? null
        : expectSeconds(o.pointOfNoReturnSeconds, `${path}.pointOfNoReturnSeconds`);
  }
  if (o.resources !== undefined) {
    if (!Array.isArray(o.resources))
      fail(`${path}.resources`, `must be an array, got ${describe(o.resources)}`);
    out.resources = o.resources.map((r, i) => {
      const p = `${path}.resources[${i}]`;
      const ro = expectObject(r, p);
      checkKeys(ro, p, ["type", "finishAfterSeconds"]);
      const res: ScriptedResource = {};
      if (ro.type !== undefined) {
        res.type = expectString(ro.type, `${p}.type`);
        if (!/^[a-z][a-z0-9-]*$/.test(res.type))
          fail(`${p}.type`, "must be a resource type like price-and-availability-offer");
      }
      if (ro.finishAfterSeconds !== undefined)
        res.finishAfterSeconds = expectSeconds(ro.finishAfterSeconds, `${p}.finishAfterSeconds`);
      return res;
    });
  }
  if (allowId && o.id !== undefined) out.id = expectGuid(o.id, `${path}.id`);
  return out;
}

export function parseIngestionSeed(v: Json, path: string): IngestionSeed {
  const o = expectObject(v, path);
  checkKeys(o, path, ["settings", "products", "jobs"]);
  const out: IngestionSeed = {};
  if (o.settings !== undefined) out.settings = parseSettingsPatch(o.settings, `${path}.settings`);
  if (o.products !== undefined) {
    out.products = {};
    const ids = new Set<string>();
    for (const [externalId, pv] of Object.entries(expectObject(o.products, `${path}.products`))) {
      const p = `${path}.products.${externalId}`;
      if (externalId.length === 0 || externalId.length > 200 || /[\s/?#%]/.test(externalId)) {
        fail(p, `${JSON.stringify(externalId)} is not a usable external id`);
      }
      const po = expectObject(pv, p);
      checkKeys(po, p, ["id", "publisher", "type", "alias", "submissions"]);
      const product: IngestionProductConfig = { publisher: expectString(po.publisher, `${p}.publisher`) };
      if (po.id !== undefined) {
        product.id = expectGuid(po.id, `${p}.id`);
        if (ids.has(product.id)) fail(`${p}.id`, "is the id of another product");
        ids.add(product.id);
      }
      if (po.type !== undefined) product.type = expectString(po.type, `${p}.type`);
      if (po.alias !== undefined) product.alias = expectString(po.alias, `${p}.alias`);
      if (po.submissions !== undefined) {
        if (!Array.isArray(po.submissions))
          fail(`${p}.submissions`, `must be an array, got ${describe(po.submissions)}`);
        product.submissions = po.submissions.map((s, i) => {
          const sp = `${p}.submissions[${i}]`;
          const so = expectObject(s, sp);
          checkKeys(so, sp, ["targetType", "result"]);
          const sub: SeedSubmission = {
            targetType: expectEnum(so.targetType, `${sp}.targetType`, ["preview", "live"]),
          };
          if (so.result !== undefined)
            sub.result = expectEnum(so.result, `${sp}.result`, ["succeeded", "failed"]);
          return sub;
        });
      }
      out.products[externalId] = product;
    }
  }
  if (o.jobs !== undefined) {
    if (!Array.isArray(o.jobs)) fail(`${path}.jobs`, `must be an array, got ${describe(o.jobs)}`);
    out.jobs = o.jobs.map((j, i) => {
      const job = parsePublishJobOptions(j, `${path}.jobs[${i}]`, true);
      if (out.products?.[job.product] === undefined) {
        fail(`${path}.jobs[${i}].product`, `names no product of ${path}.products: ${describe(job.product)}`);
      }
      return job;
    });
  }
  return out;
}
