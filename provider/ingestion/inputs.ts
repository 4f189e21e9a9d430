/**
 * `check` of an `IngestionJobCancellation`: validation and normalization of its own inputs (the
 * job id, the product, `ifAlreadyCompleted`), in the frame and with the shared checks of
 * `../kit/checks.ts`. No network call; every failure names the property and the fix; a value not
 * known before apply passes through.
 */
import { CheckOutcome, Fail, SharedInputs, UNKNOWN, checkEnum, checkInputs } from "../kit/checks";
import { hasControl, safeSnippet } from "../core/printable";
import { INGESTION_JOB_SPEC } from "./inputSpec";

/** The inputs as stored after `check`: defaults applied. Keys are the spec's (checked at compile time). */
export interface IngestionJobCancellationInputs extends SharedInputs {
  jobId: string;
  product?: string;
  ifAlreadyCompleted: "succeed" | "fail";
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `product/<guid>`, the durable id. */
export const PRODUCT_ID_PATTERN =
  /^product\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** An offer's external id: letters, digits, `-`, `_`, `.` (it goes into a query string, encoded). */
const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkIngestionJobInputs(news: Record<string, unknown>): CheckOutcome {
  return checkInputs(INGESTION_JOB_SPEC, news, (news, out, fail) => {
    out.jobId = checkJobId(news.jobId, fail);
    if (news.product !== undefined && news.product !== null && news.product !== "") {
      out.product = checkProduct(news.product, fail);
    }
    out.ifAlreadyCompleted = checkEnum(
      news.ifAlreadyCompleted,
      INGESTION_JOB_SPEC.input.ifAlreadyCompleted,
      fail,
    );
  });
}

function checkJobId(value: unknown, fail: Fail): string | undefined {
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

function checkProduct(value: unknown, fail: Fail): string | undefined {
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
