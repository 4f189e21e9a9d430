/**
 * `check` of an `IngestionJobCancellation`: validation and normalization of its inputs, with the
 * CPP resource's checks where the rule is the same (`../inputs.ts`). No network call; every
 * failure names the property and the fix; a value not known before apply passes through.
 */
import {
  CheckFailure,
  CheckOutcome,
  SharedInputRules,
  UNKNOWN,
  checkEnum,
  checkSharedInputs,
} from "../kit/checks";
import { hasControl, safeSnippet } from "../core/printable";
import {
  DEFAULT_JOB_POLL_INTERVAL,
  INGESTION_DEFAULTS,
  INGESTION_INPUT,
  INGESTION_INPUT_NAMES,
  JOB_POLL_CEILING_SECONDS,
} from "./inputSpec";

/** The inputs as stored after `check`: defaults applied. Keys are the spec's (checked at compile time). */
export interface IngestionInputs {
  jobId: string;
  product?: string;
  ifAlreadyCompleted: "succeed" | "fail";
  when: "apply" | "destroy";
  triggers?: unknown;
  timeoutSeconds: number;
  pollIntervalSeconds: { min: number; max: number };
  /** Absent: `marketplace:ingestionEndpoint`, else https://graph.microsoft.com. */
  endpoint?: string;
  apiVersion: string;
  accessToken?: string;
}

export type { CheckFailure, CheckOutcome };

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `product/<guid>`, the durable id. */
export const PRODUCT_ID_PATTERN =
  /^product\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** An offer's external id: letters, digits, `-`, `_`, `.` (it goes into a query string, encoded). */
const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(-preview\d*)?$/;
const INGESTION_SHARED_RULES: SharedInputRules = {
  known: new Set(INGESTION_INPUT_NAMES),
  when: INGESTION_INPUT.when,
  timeoutSeconds: INGESTION_DEFAULTS.timeoutSeconds as number,
  poll: { default: DEFAULT_JOB_POLL_INTERVAL, ceiling: JOB_POLL_CEILING_SECONDS },
  apiVersion: {
    default: INGESTION_DEFAULTS.apiVersion as string,
    pattern: VERSION_PATTERN,
    advice: `apiVersion is the $version of the Product Ingestion API and must look like ${INGESTION_DEFAULTS.apiVersion} or 2022-07-01; remove it to use ${INGESTION_DEFAULTS.apiVersion}.`,
  },
  tokenAudience: " for https://graph.microsoft.com",
};

export function checkIngestionInputs(news: Record<string, unknown>): CheckOutcome {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const out: Record<string, unknown> = {};

  out.jobId = checkJobId(news.jobId, fail);
  if (news.product !== undefined && news.product !== null && news.product !== "") {
    out.product = checkProduct(news.product, fail);
  }
  out.ifAlreadyCompleted = checkEnum(news.ifAlreadyCompleted, INGESTION_INPUT.ifAlreadyCompleted, fail);
  checkSharedInputs(news, INGESTION_SHARED_RULES, out, fail);

  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return { inputs: out, failures };
}

function checkJobId(value: unknown, fail: (p: string, r: string) => void): string | undefined {
  if (value === UNKNOWN) return value;
  const fix = 'Use the jobId that POST configure returned, e.g. "0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".';
  if (value === undefined || value === null || value === "") {
    fail("jobId", `jobId is required: the id of the configure job to cancel. ${fix}`);
    return undefined;
  }
  if (typeof value !== "string") {
    fail("jobId", `jobId must be a string, got ${typeof value}. ${fix}`);
    return undefined;
  }
  const trimmed = value.trim();
  if (!GUID_PATTERN.test(trimmed)) {
    fail("jobId", `jobId ${JSON.stringify(safeSnippet(value))} is not a GUID. ${fix}`);
    return undefined;
  }
  return trimmed.toLowerCase();
}

function checkProduct(value: unknown, fail: (p: string, r: string) => void): string | undefined {
  if (value === UNKNOWN) return value;
  const fix =
    'Use the offer\'s external id as Partner Center shows it (letters, digits, ".", "-", "_"), or its durable id "product/<guid>".';
  if (typeof value !== "string") {
    fail("product", `product must be a string, got ${typeof value}. ${fix}`);
    return undefined;
  }
  const match = PRODUCT_ID_PATTERN.exec(value);
  if (match) return `product/${match[1].toLowerCase()}`;
  if (hasControl(value) || !EXTERNAL_ID_PATTERN.test(value)) {
    fail(
      "product",
      `product ${JSON.stringify(safeSnippet(value))} is neither an external id nor product/<guid>. ${fix}`,
    );
    return undefined;
  }
  return value;
}
