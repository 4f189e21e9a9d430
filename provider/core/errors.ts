/**
 * Typed errors, in the spirit of `ky`: callers branch on the class, users read the message.
 *
 * Every message here is built from data we control or that the service sent us (status, code,
 * message, request id). Request headers are never copied into an error, so a bearer token cannot
 * leak through one; service text arrives here already through the one sanitizer (`sanitize.ts`).
 */
/**
 * Base class of every error this package throws on purpose, whichever API it came from. Each
 * class names itself with a literal (`override readonly name = "..."`), not with its constructor's
 * name, which a minifier or bundler would rename. The failures particular to one API sit in its
 * folder (`cpp/errors.ts`, `ingestion/errors.ts`) and extend this class too.
 */
export class MarketplaceError extends Error {
  override readonly name: string = "MarketplaceError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What we know about a failed HTTP exchange, safe to show to users. */
export interface HttpErrorDetails {
  method: string;
  /** Path and query only: the origin is already known to the user from `endpoint`. */
  path: string;
  status: number;
  /** `error.code` from the API's error body, or `error` from an Entra ID error body. */
  code?: string;
  /** `error.message` / `error_description`, or the start of a non-JSON body. */
  serviceMessage?: string;
  /** `x-ms-request-id` (or `x-ms-correlation-request-id`), for support tickets. */
  requestId?: string;
}

/** The service answered with a status we do not treat as success. */
export class HTTPError extends MarketplaceError {
  override readonly name = "HTTPError";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
  readonly serviceMessage?: string;
  readonly requestId?: string;

  constructor(details: HttpErrorDetails, hint?: string) {
    super(describeHttpFailure(details) + (hint ? ` ${hint}` : ""));
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.serviceMessage = details.serviceMessage;
    this.requestId = details.requestId;
  }
}

/** One HTTP request took longer than the per-request timeout. */
export class TimeoutError extends MarketplaceError {
  override readonly name = "TimeoutError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${path} got no response within ${timeoutMs} ms.`);
  }
}

/** The connection failed (refused, reset, dropped) before a complete response arrived. */
export class NetworkError extends MarketplaceError {
  override readonly name = "NetworkError";
  constructor(
    readonly method: string,
    readonly path: string,
    /** Node's error code, e.g. ECONNREFUSED, ECONNRESET. */
    readonly causeCode: string | undefined,
    /** True when the request provably never reached the server (nothing to duplicate). */
    readonly requestNotSent: boolean,
    detail: string,
  ) {
    super(`${method} ${path} failed: ${detail}${causeCode ? ` (${causeCode})` : ""}.`);
  }
}

/** A response was received but its body cannot be used (not JSON, wrong shape, too large). */
export class ResponseError extends MarketplaceError {
  override readonly name = "ResponseError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    reason: string,
  ) {
    super(`${method} ${path} answered ${status} with an unusable body: ${reason}.`);
  }
}

/** The service pointed us at a URL we refuse to send credentials to. */
export class UnsafeLocationError extends MarketplaceError {
  override readonly name = "UnsafeLocationError";
  /** Set when the request whose answer carried the location was accepted (e.g. a cancel's 202). */
  readonly acceptedStatus?: number;

  constructor(message: string, options: { acceptedStatus?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.acceptedStatus = options.acceptedStatus;
  }
}

/**
 * The error shape the dynamic-provider runtime turns into "resource created but not initialized":
 * the engine records `properties` under `id` and calls `update` on the next `pulumi up`.
 */
export class ResourceInitFailedError<P extends object = Record<string, unknown>> extends MarketplaceError {
  override readonly name = "ResourceInitFailedError";
  readonly properties: P & { __provider?: unknown };

  constructor(
    readonly id: string,
    properties: P,
    readonly reasons: string[],
    /**
     * The serialized provider from the inputs. The runtime records `properties` as they are, and
     * a later `refresh` or `destroy` loads the provider from them: without it they would fail.
     */
    serializedProvider: unknown,
  ) {
    super(reasons.join(" "));
    this.properties =
      serializedProvider === undefined ? properties : { ...properties, __provider: serializedProvider };
  }
}

/** Waiting for an operation ran past `timeoutSeconds`. */
export class OperationTimeoutError extends MarketplaceError {
  override readonly name = "OperationTimeoutError";
  constructor(
    message: string,
    readonly lastStatus: string | undefined,
  ) {
    super(message);
  }
}

/** The caller's AbortSignal fired. */
export class AbortError extends MarketplaceError {
  override readonly name = "AbortError";
  constructor(what: string) {
    super(`${what} was aborted.`);
  }
}

/** Getting a token failed; says which credential source was tried and how to fix it. */
export class CredentialError extends MarketplaceError {
  override readonly name = "CredentialError";
}

/**
 * The same error with advice appended to its message: a new object of the same class (callers
 * and tests branch on the class and its fields), with the original as its `cause`. Errors are
 * never changed after they were thrown.
 */
export function withAdvice<E extends Error>(err: E, advice: string): E {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as E;
  Object.assign(copy, err);
  const message = `${err.message} ${advice}`;
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(copy, "message", { ...hidden, value: message });
  Object.defineProperty(copy, "cause", { ...hidden, value: err });
  Object.defineProperty(copy, "stack", {
    ...hidden,
    value: err.stack?.replace(err.message, message) ?? `${err.name}: ${message}`,
  });
  return copy;
}

function describeHttpFailure(d: HttpErrorDetails): string {
  const parts = [`${d.method} ${d.path} failed with HTTP ${d.status}`];
  if (d.code) parts.push(`code ${d.code}`);
  let text = `${parts.join(", ")}`;
  if (d.serviceMessage) text += `: ${d.serviceMessage}`;
  if (!/[.!?]$/.test(text)) text += ".";
  if (d.requestId) text += ` (request id ${d.requestId})`;
  return text;
}
