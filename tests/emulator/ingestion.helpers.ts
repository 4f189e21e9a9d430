// Shared helpers of the Product Ingestion emulator specification (ingestion*.test.ts): paths, the
// configure bodies a client posts, and the assertions on the ingestion error envelope.

import assert from "node:assert/strict";

import { DEFAULT_INGESTION_PRODUCT, type Emulator } from "../../emulator";
import { get, post, type CallOptions, type Reply } from "./helpers";

export const BASE = "/rp/product-ingestion";
export const PRODUCT_GUID = DEFAULT_INGESTION_PRODUCT.id;
export const PRODUCT_ID = `product/${PRODUCT_GUID}`;
export const EXTERNAL_ID = DEFAULT_INGESTION_PRODUCT.externalId;
export const MP = "https://schema.mp.microsoft.com/schema";
export const AZUREEDGE = "https://product-ingestion.azureedge.net/schema";
export const SENTINEL = "0001-01-01T00:00:00";
/** 7 fractional digits and Z. */
export const TICKS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

/** An ingestion path with `$version` (default 2022-03-01-preview2; null for none). */
export function ing(path: string, version: string | null = "2022-03-01-preview2"): string {
  if (version === null) return `${BASE}${path}`;
  return `${BASE}${path}${path.includes("?") ? "&" : "?"}$version=${version}`;
}

export function publishBody(
  opts: { product?: string; targetType?: string; extra?: Record<string, unknown>[]; host?: string } = {},
): Record<string, unknown> {
  const host = opts.host ?? MP;
  return {
    $schema: `${host}/configure/2022-03-01-preview2`,
    resources: [
      ...(opts.extra ?? []),
      {
        $schema: `${host}/submission/2022-03-01-preview2`,
        product: opts.product ?? PRODUCT_ID,
        target: { targetType: opts.targetType ?? "preview" },
      },
    ],
  };
}

export const priceResource = (name = "price"): Record<string, unknown> => ({
  $schema: `${MP}/price-and-availability-offer/2022-03-01-preview2`,
  resourceName: name,
  product: PRODUCT_ID,
  markets: ["US"],
});

export type Status = {
  $schema: string;
  jobId?: string;
  jobID?: string;
  jobStatus: string;
  jobResult: string;
  jobStart: string;
  jobEnd: string;
  errors: { code: string; message?: string }[];
};

export async function configure(emu: Emulator, body: Record<string, unknown>, opts: CallOptions = {}) {
  return post(emu, ing("/configure"), { ...opts, body });
}

export async function status(emu: Emulator, jobId: string, opts: CallOptions = {}): Promise<Status> {
  const reply = await get(emu, ing(`/configure/${jobId}/status`), opts);
  assert.equal(reply.status, 200, reply.text);
  return reply.json<Status>();
}

export const cancel = (emu: Emulator, jobId: string, opts: CallOptions = {}) =>
  post(emu, ing(`/configure/${jobId}/cancel`), opts);

export type IngestionErrorBody = {
  error: {
    code: string;
    message: string;
    details?: { code: string; message?: string; resourceId?: string }[];
  };
};

/** Asserts the `{"error": {code, message, details?}}` envelope and nothing else; returns the error. */
export function assertIngestionError(
  reply: Reply,
  status: number,
  code: string,
  message?: string | RegExp,
): IngestionErrorBody["error"] {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  const body = reply.json<IngestionErrorBody>();
  assert.deepEqual(Object.keys(body), ["error"], reply.text);
  assert.equal(body.error.code, code, reply.text);
  assert.equal(typeof body.error.message, "string");
  if (typeof message === "string") assert.equal(body.error.message, message);
  else if (message !== undefined) assert.match(body.error.message, message);
  return body.error;
}

export type SubmissionWire = {
  $schema: string;
  id: string;
  product: string;
  target: { targetType: string };
  status?: string;
  result?: string;
  created: string;
};

export async function submissions(emu: Emulator, query = ""): Promise<SubmissionWire[]> {
  const reply = await get(emu, ing(`/submission/${PRODUCT_GUID}${query}`));
  assert.equal(reply.status, 200, reply.text);
  return reply.json<{ value: SubmissionWire[] }>().value;
}

/** The (target, status, result) triples the submissions list shows, the draft first. */
export async function submissionStates(emu: Emulator): Promise<string[]> {
  return (await submissions(emu)).map((s) =>
    [s.target.targetType, s.status ?? "-", s.result ?? "-"].join("/"),
  );
}
