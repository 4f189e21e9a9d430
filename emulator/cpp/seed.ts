// The CPP part of a seed: publishers, their offers and each offer's quirks (the `publishers`
// property), the defaults of an offer's settings, and their validation.

import {
  checkId,
  checkKeys,
  expectBoolean,
  expectEnum,
  expectObject,
  expectSeconds,
  expectString,
} from "../core/validate";

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

export interface PublisherConfig {
  offers?: Record<string, OfferConfig>;
}

export const OFFER_DEFAULTS: ResolvedOfferConfig = Object.freeze({
  pcMigrationStatus: "migrated",
  cancelMode: "async",
  cancelSeconds: 5,
  operationSeconds: 600,
  vocabulary: "complete",
  locationHeader: "location",
  arrayBody: false,
});

/** The publishers and offers of the default seed described in emulator/README.md. */
export function defaultPublishers(): Record<string, PublisherConfig> {
  return {
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
  };
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
// Validation: untrusted JSON in, typed values out, or a SeedError naming the offending path.

type Json = unknown;

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
  if (present("arrayBody")) out.arrayBody = expectBoolean(o.arrayBody, `${path}.arrayBody`);
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

/** The `publishers` property of a seed. */
export function parsePublishers(v: Json, path: string): Record<string, PublisherConfig> {
  const publishers: Record<string, PublisherConfig> = {};
  for (const [publisherId, pv] of Object.entries(expectObject(v, path))) {
    const ppath = `${path}.${publisherId}`;
    checkId(publisherId, ppath);
    const p = expectObject(pv, ppath);
    checkKeys(p, ppath, ["offers"]);
    const offers: Record<string, OfferConfig> = {};
    for (const [offerId, ov] of Object.entries(expectObject(p.offers ?? {}, `${ppath}.offers`))) {
      const opath = `${ppath}.offers.${offerId}`;
      checkId(offerId, opath);
      offers[offerId] = withoutNulls(parseOfferConfig(ov, opath));
    }
    publishers[publisherId] = { offers };
  }
  return publishers;
}

function withoutNulls(patch: OfferConfigPatch): OfferConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== null && v !== undefined) out[k] = v;
  return out as OfferConfig;
}
