/**
 * The Cloud Partner Portal calls this package makes (docs/cpp-api.md), typed. HTTP mechanics live in
 * `http.ts`; where a token comes from lives in `credentials.ts`; this module knows the routes,
 * the bodies, and the quirks.
 */
import {
  DEFAULT_CPP_API_VERSION as DEFAULT_API_VERSION,
  DEFAULT_CPP_ENDPOINT as DEFAULT_ENDPOINT,
} from "./service";
import { CPP_AUDIENCE } from "../core/audience";
import { AccessTokenSource, BearerSession } from "../core/bearer";
import { ResponseError, UnsafeLocationError } from "../core/errors";
import { HttpClientOptions } from "../core/http";
import { offerUrl, operationLocationHeader, resolveOperationLocation } from "./location";
import { parseRetryAfter } from "../core/retry";
import { Sanitizer, containsSecret } from "../core/sanitize";
import { OperationSnapshot, Submission, parseOperation, parseSubmissions } from "./status";

export { DEFAULT_API_VERSION, DEFAULT_ENDPOINT };
export type { AccessTokenSource };

export interface CppClientOptions extends HttpClientOptions {
  endpoint?: string | URL;
  apiVersion?: string;
  credential: AccessTokenSource;
}

export interface CancelResponse {
  /** 200: cancelled synchronously. 202: accepted; watch `location` (if the service sent one). */
  httpStatus: 200 | 202;
  location?: URL;
  requestId?: string;
}

export interface OperationPoll {
  snapshot: OperationSnapshot;
  /** Server-requested delay before the next poll, if it sent one. */
  retryAfterMs?: number;
  requestId?: string;
}

export class CppClient {
  readonly endpoint: URL;
  readonly apiVersion: string;
  private readonly session: BearerSession;
  /** The session's sanitizer: every string parsed from an answer passes through it. */
  readonly clean: Sanitizer;

  constructor(options: CppClientOptions) {
    this.endpoint = new URL(String(options.endpoint ?? DEFAULT_ENDPOINT));
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.session = new BearerSession({ ...options, audience: CPP_AUDIENCE, forbidden: CPP_FORBIDDEN_ADVICE });
    this.clean = this.session.clean;
  }

  /** Every configured secret and every token this client has sent so far. */
  secrets(): string[] {
    return this.session.secrets();
  }

  /**
   * `POST .../cancel`. Sends the metadata body only when emails are given (docs/cpp-api.md §1).
   * Never retried after an ambiguous failure: see `retry.ts`.
   */
  async cancel(
    publisherId: string,
    offerId: string,
    options: { notificationEmails?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<CancelResponse> {
    const url = offerUrl(this.endpoint, publisherId, offerId, "cancel", this.apiVersion);
    const emails = options.notificationEmails ?? [];
    const body = emails.length
      ? JSON.stringify({ metadata: { "notification-emails": emails.join(",") } })
      : undefined;
    const res = await this.session.send({ method: "POST", url, body, signal: options.signal });
    if (res.status !== 200 && res.status !== 202) {
      throw new ResponseError("POST", pathOf(url), res.status, "expected 200 or 202 from cancel");
    }
    const header = res.status === 202 ? operationLocationHeader(res.headers) : undefined;
    let location: URL | undefined;
    try {
      location = header ? resolveOperationLocation(header, this.endpoint, this.apiVersion) : undefined;
      // It would be stored in the state and printed: a location carrying a credential is refused.
      if (location && containsSecret(location.href, this.secrets())) {
        throw new UnsafeLocationError(
          "The service returned an operation location that holds a credential; refused.",
        );
      }
    } catch (err) {
      // The cancel was accepted all the same: say so, so that the caller never sends it twice.
      // The message quotes the header: service text, sanitized like any other.
      if (err instanceof UnsafeLocationError) {
        throw new UnsafeLocationError(this.clean(err.message, { maxLength: 1000 }), {
          acceptedStatus: res.status,
          cause: err,
        });
      }
      throw err;
    }
    return { httpStatus: res.status, location, requestId: res.requestId };
  }

  /** `GET` an operation by the URL the service gave us (either Location form). */
  async getOperation(location: URL, signal?: AbortSignal): Promise<OperationPoll> {
    const res = await this.session.send({ method: "GET", url: location, signal });
    let snapshot: OperationSnapshot;
    try {
      snapshot = parseOperation(this.session.json(res.text), this.clean);
    } catch (err) {
      throw new ResponseError("GET", this.clean(pathOf(location)), res.status, (err as Error).message);
    }
    return { snapshot, retryAfterMs: parseRetryAfter(res.headers), requestId: res.requestId };
  }

  /** `GET .../submissions/?status=...` (trailing slash as documented); newest first. */
  async listSubmissions(
    publisherId: string,
    offerId: string,
    options: { status?: string; signal?: AbortSignal } = {},
  ): Promise<Submission[]> {
    const query: Record<string, string> = options.status ? { status: options.status } : {};
    const url = offerUrl(this.endpoint, publisherId, offerId, "submissions/", this.apiVersion, query);
    const res = await this.session.send({ method: "GET", url, signal: options.signal });
    try {
      return parseSubmissions(this.session.json(res.text), this.clean);
    } catch (err) {
      throw new ResponseError("GET", pathOf(url), res.status, (err as Error).message);
    }
  }
}

/** A 403 from the CPP API: publisher access is granted by a publisher owner. */
const CPP_FORBIDDEN_ADVICE =
  "The signed-in principal has no access to this publisher: ask a publisher owner to add it.";

function pathOf(url: URL): string {
  return url.pathname + url.search;
}
