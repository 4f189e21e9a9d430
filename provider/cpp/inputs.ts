/**
 * `check` of an `OfferOperationCancellation`: validation and normalization of its own inputs (the
 * ids, the emails, the guard, `ifNothingToCancel`), in the frame and with the shared checks of
 * `../kit/checks.ts`. No network call; every failure names the property and the fix; a value not
 * known before apply passes through.
 */
import { CheckOutcome, Fail, SharedInputs, UNKNOWN, checkEnum, checkInputs } from "../kit/checks";
import { hasControl, hasControlOrSpace, safeSnippet } from "../core/printable";
import { OFFER_OPERATION_SPEC } from "./inputSpec";

/**
 * The inputs as stored after `check`: defaults applied, shapes normalized. Its keys are the
 * spec's (inputSpec.ts); tests/unit/inputSpec.test.ts checks that at compile time.
 */
export interface OfferOperationCancellationInputs extends SharedInputs {
  publisherId: string;
  offerId: string;
  notificationEmails: string[];
  expectedOperationId?: string;
  ifNothingToCancel: "succeed" | "fail";
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_ID_LENGTH = 100;
// Deliberately simple: one @, no spaces or separators, a dot in the domain. The service does the rest.
const EMAIL_PATTERN = /^[^\s@,;<>"'()[\]\\]+@[^\s@,;<>"'()[\]\\]+\.[^\s@,;<>"'()[\]\\.]{2,}$/;

export function checkOfferOperationInputs(news: Record<string, unknown>): CheckOutcome {
  return checkInputs(OFFER_OPERATION_SPEC, news, (news, out, fail) => {
    out.publisherId = checkId(news.publisherId, "publisherId", fail);
    out.offerId = checkId(news.offerId, "offerId", fail);
    out.notificationEmails = checkEmails(news.notificationEmails, fail);
    const guard = news.expectedOperationId;
    if (guard !== undefined && guard !== null && guard !== "") {
      if (guard === UNKNOWN) out.expectedOperationId = guard;
      else if (typeof guard !== "string" || guard.length > 200 || hasControlOrSpace(guard)) {
        fail(
          "expectedOperationId",
          "expectedOperationId must be an operation id (as listed by the submissions API): a string without spaces, at most 200 characters.",
        );
      } else out.expectedOperationId = guard;
    }
    out.ifNothingToCancel = checkEnum(
      news.ifNothingToCancel,
      OFFER_OPERATION_SPEC.input.ifNothingToCancel,
      fail,
    );
  });
}

/** Ids go into URL paths: allow only characters that cannot change the path's meaning. */
function checkId(value: unknown, property: string, fail: Fail): string | undefined {
  if (value === UNKNOWN) return value;
  if (value === undefined || value === null || value === "") {
    fail(
      property,
      `${property} is required: the ${property === "offerId" ? "offer" : "publisher"} id as shown in the Cloud Partner Portal (e.g. "contoso").`,
    );
    return undefined;
  }
  if (typeof value !== "string") {
    fail(property, `${property} must be a string, got ${typeof value}.`);
    return undefined;
  }
  const problems: string[] = [];
  if (value.length > MAX_ID_LENGTH)
    problems.push(`is ${value.length} characters long (at most ${MAX_ID_LENGTH})`);
  if (hasControl(value)) problems.push("contains control characters");
  if (/\s/.test(value)) problems.push("contains whitespace");
  const path = [...new Set(value.match(/[/\\?#%$&+:;=@]/g) ?? [])];
  if (path.length)
    problems.push(`contains ${path.map((c) => `'${c}'`).join(", ")}, which would change the request URL`);
  if (value.includes("..")) problems.push("contains '..'");
  if (!problems.length && !ID_PATTERN.test(value))
    problems.push("must start with a letter or digit and use only letters, digits, '.', '-' and '_'");
  if (problems.length) {
    fail(
      property,
      `${property} ${JSON.stringify(safeSnippet(value))} ${problems.join("; ")}. Use the id exactly as the Cloud Partner Portal shows it (letters, digits, '.', '-', '_').`,
    );
    return undefined;
  }
  return value;
}

function checkEmails(value: unknown, fail: Fail): unknown {
  // A fresh copy of the default: the spec's is shared.
  if (value === undefined || value === null || value === "")
    return structuredClone(OFFER_OPERATION_SPEC.defaults.notificationEmails);
  if (value === UNKNOWN) return value;
  let list: unknown[];
  if (typeof value === "string") list = value.split(/[,;]/);
  else if (Array.isArray(value)) list = value.flatMap((v) => (typeof v === "string" ? v.split(/[,;]/) : [v]));
  else {
    fail(
      "notificationEmails",
      "notificationEmails must be a list of email addresses (or one comma-separated string).",
    );
    return undefined;
  }
  const out: string[] = [];
  const bad: string[] = [];
  for (const item of list) {
    if (item === UNKNOWN) {
      out.push(item);
      continue;
    }
    const s = typeof item === "string" ? item.trim() : "";
    if (typeof item === "string" && s === "") continue;
    // Control characters would reach terminals and PR comments through the preview diff.
    if (!EMAIL_PATTERN.test(s) || s.length > 254 || hasControl(s))
      bad.push(typeof item === "string" ? JSON.stringify(safeSnippet(s)) : String(typeof item));
    else if (!out.some((e) => e.toLowerCase() === s.toLowerCase())) out.push(s);
  }
  if (bad.length) {
    fail(
      "notificationEmails",
      `notificationEmails has invalid address${bad.length > 1 ? "es" : ""} ${bad.join(", ")}: give addresses like "ops@contoso.com".`,
    );
    return undefined;
  }
  return out;
}
