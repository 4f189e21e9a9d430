// Shared helpers for the emulator specification: start an emulator per test and talk to it over
// real HTTP with Node's global fetch, the way any client would.

import assert from "node:assert/strict";

import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

export const API_VERSION = "api-version=2017-10-31";
export const STATIC_TOKEN = "emulator-token";
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Appends api-version to a CPP path. */
export function cpp(path: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${API_VERSION}`;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parses the body; fails the test when it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  /** Bearer token; null sends no Authorization header. Default: the seed's static token. */
  token?: string | null;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(
  emu: Emulator,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? STATIC_TOKEN : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(`${emu.url}${path}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        assert.fail(`expected a JSON body from ${method} ${path}, got: ${text.slice(0, 200)}`);
      }
    },
  };
}

export const get = (emu: Emulator, path: string, opts?: CallOptions) => call(emu, "GET", path, opts);
export const post = (emu: Emulator, path: string, opts?: CallOptions) => call(emu, "POST", path, opts);

/** Form-encoded POST (token endpoints). */
export async function postForm(
  emu: Emulator,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Asserts the CPP error shape and returns its code. */
export function assertCppError(
  reply: Reply,
  status: number,
  code?: string,
): { code: string; message: string } {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  const body = reply.json<{ error: { code: string; message: string } }>();
  assert.equal(typeof body.error?.code, "string", `error body must have error.code: ${reply.text}`);
  assert.equal(typeof body.error?.message, "string", `error body must have error.message: ${reply.text}`);
  assert.deepEqual(Object.keys(body), ["error"]);
  if (code !== undefined) assert.equal(body.error.code, code);
  return body.error;
}

/** Path of a migrated offer's resources. */
export const offerPath = (publisher: string, offer: string) => `/api/publishers/${publisher}/offers/${offer}`;

/**
 * Starts an emulator for the enclosing describe and closes it afterwards: one for the whole
 * describe (`"suite"`, for suites that reset what they use in their own hooks), or a fresh one for
 * each test (`"test"`, so no test sees another's offers, faults or clock). The one helper of the
 * emulator specification and the integration suites. Read `emu` inside hooks and tests only: mocha
 * runs them after the describe body.
 */
export function useEmulator(
  opts: EmulatorOptions = {},
  lifetime: "suite" | "test" = "suite",
): { readonly emu: Emulator } {
  let emu: Emulator | undefined;
  const start = async () => {
    emu = await startEmulator(opts);
  };
  const stop = async () => {
    await emu?.close();
    emu = undefined;
  };
  if (lifetime === "test") {
    beforeEach(start);
    afterEach(stop);
  } else {
    before(start);
    after(stop);
  }
  return {
    get emu(): Emulator {
      assert.ok(emu, "emulator not started");
      return emu;
    },
  };
}

export type OperationBody = {
  id: string;
  status: string;
  submissionType: string;
  messages: { messageHtml: string; level: string; timestamp: string }[];
  publishingVersion: number;
  offerVersion: number;
  cancellationRequestState?: string;
  steps: {
    id: string;
    stepName: string;
    description: string;
    estimatedTimeFrame?: string;
    status: string;
    messages: { messageHtml: string; level: string; timestamp: string }[];
    progressPercentage: number;
  }[];
  previewLinks: unknown[];
  liveLinks: unknown[];
  notificationEmails?: string;
};

export type SubmissionItem = {
  id: string;
  offerId: string;
  offerVersion: number;
  offerTypeId: string;
  publisherId: string;
  submissionType: string;
  submissionState: string;
  publishingVersion: number;
  slot: string;
  version: number;
  definition: { metadata: { emails: string } };
  changedTime: string;
  status: string;
  createdDateTime: string;
  lastActionDateTime: string;
};

/** GETs a Location value (relative or absolute) and returns the operation object. */
export async function getOperationAt(
  emu: Emulator,
  location: string,
  token?: string,
): Promise<OperationBody> {
  const path = location.startsWith("http") ? location.slice(emu.url.length) : location;
  const reply = await get(emu, path, { token });
  assert.equal(reply.status, 200, `GET ${path}: ${reply.text}`);
  return reply.json<OperationBody>();
}

/**
 * Waits until `condition` holds, checking every `intervalMs`; fails the test naming `what` once
 * `timeoutMs` has passed. For waits on real I/O (a socket closing, a server listening again, a
 * request arriving), where a fixed sleep would be a guess.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`still waiting after ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
