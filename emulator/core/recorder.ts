// The request log: every request in arrival order, for tests to assert on ("the cancel was POSTed
// exactly once", "the poller honoured Retry-After") and for the CLI user to inspect.
//
// Secrets never enter it: the Authorization value is replaced by "<scheme> <redacted>" and secret
// form fields of token requests (client_secret, assertions) are blanked before storing.

import type { IncomingMessage } from "node:http";

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  path: string;
  /** Lower-cased names; authorization redacted. */
  headers: Record<string, string>;
  /** Request body as text, capped at 64 KiB. */
  body: string;
  /** Status sent; 0 while in flight or when the connection was dropped or hung. */
  status: number;
  /** Wall-clock arrival time (ISO). Real time, so clients' waits can be measured. */
  at: string;
  /** Emulated arrival time (ISO), the clock the API's own timestamps use. */
  emulatedAt: string;
}

export interface RequestFilter {
  method?: string;
  pathIncludes?: string;
  pathPattern?: RegExp;
}

export const BODY_CAP_BYTES = 64 * 1024;
/** A long-running CLI must not grow without bound; tests never get near this. */
const MAX_RECORDS = 100_000;
export const ADMIN_PREFIX = "/_emulator";

const SECRET_FORM_FIELDS = ["client_secret", "client_assertion", "assertion", "password", "refresh_token"];
const SECRET_FIELD_IN_FORM = new RegExp(`(^|&)(${SECRET_FORM_FIELDS.join("|")})=`);

export function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`) || path.startsWith(`${ADMIN_PREFIX}?`);
}

function redactAuthorization(value: string): string {
  const scheme = value.trim().split(/\s+/)[0] ?? "";
  return scheme.length > 0 && scheme.length < value.trim().length ? `${scheme} <redacted>` : "<redacted>";
}

function redactForm(body: string): string {
  const params = new URLSearchParams(body);
  let changed = false;
  for (const field of SECRET_FORM_FIELDS) {
    if (params.has(field)) {
      params.set(field, "<redacted>");
      changed = true;
    }
  }
  return changed ? params.toString() : body;
}

function capText(body: Buffer): string {
  return body.subarray(0, BODY_CAP_BYTES).toString("utf8");
}

export class Recorder {
  /** Live array: clear() empties it in place so references held by tests stay valid. */
  readonly requests: RecordedRequest[] = [];

  begin(req: IncomingMessage, emulatedAt: string): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(", ") : value;
      headers[name.toLowerCase()] = name.toLowerCase() === "authorization" ? redactAuthorization(text) : text;
    }
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      body: "",
      status: 0,
      at: new Date().toISOString(),
      emulatedAt,
    };
    this.requests.push(record);
    if (this.requests.length > MAX_RECORDS) this.requests.splice(0, this.requests.length - MAX_RECORDS);
    return record;
  }

  setBody(record: RecordedRequest, body: Buffer): void {
    const text = capText(body);
    // The token endpoints read the body as a form whatever the Content-Type says, so a body that
    // reads as one with a secret field is redacted too, not only one labelled as a form.
    const form =
      (record.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ||
      SECRET_FIELD_IN_FORM.test(text);
    record.body = form ? redactForm(text) : text;
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Counts CPP and token requests; admin (/_emulator) requests never count. */
  count(filter: RequestFilter = {}): number {
    return this.requests.filter(
      (r) =>
        !isAdminPath(r.path) &&
        (filter.method === undefined || r.method.toUpperCase() === filter.method.toUpperCase()) &&
        (filter.pathIncludes === undefined || r.path.includes(filter.pathIncludes)) &&
        (filter.pathPattern === undefined || testFresh(filter.pathPattern, r.path)),
    ).length;
  }
}

/** A /g or /y RegExp keeps state between test() calls; reset it so counting is stable. */
function testFresh(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
