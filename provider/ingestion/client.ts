/**
 * The Product Ingestion API calls this package makes (docs/ingestion-api.md §2–§6), typed: the routes
 * under `<endpoint>/rp/product-ingestion/`, each with `$version`. HTTP mechanics (timeouts,
 * retries, `Retry-After`, capped bodies) are `../http.ts`'s; where the token comes from is
 * `../credentials.ts`'s, asked for the Graph audience only; this module knows the routes, the
 * bodies and their quirks (`status.ts`).
 */
import { GRAPH_AUDIENCE } from "../core/audience";
import { AccessTokenSource, BearerSession } from "../core/bearer";
import { MarketplaceError, ResponseError } from "../core/errors";
import { HttpClientOptions, HttpResponse } from "../core/http";
import { parseRetryAfter } from "../core/retry";
import { Sanitizer } from "../core/sanitize";
import { DEFAULT_INGESTION_API_VERSION, DEFAULT_INGESTION_ENDPOINT, INGESTION_BASE_PATH } from "./service";
import type { AppliedResource, SubmissionState } from "./outputs";
import {
  JobSnapshot,
  parseConfigureDetail,
  parseJobStatus,
  parseProductLookup,
  parseSubmissions,
} from "./status";

export interface IngestionClientOptions extends HttpClientOptions {
  /** The origin in front of `/rp/product-ingestion`. */
  endpoint?: string | URL;
  /** `$version`. */
  apiVersion?: string;
  credential: AccessTokenSource;
}

export interface JobPoll {
  snapshot: JobSnapshot;
  httpStatus: number;
  /** Server-requested delay before the next poll, if it sent one. */
  retryAfterMs?: number;
}

export class IngestionClient {
  readonly endpoint: URL;
  readonly apiVersion: string;
  private readonly session: BearerSession;
  /** The session's sanitizer: every string parsed from an answer passes through it. */
  readonly clean: Sanitizer;

  constructor(options: IngestionClientOptions) {
    this.endpoint = new URL(new URL(String(options.endpoint ?? DEFAULT_INGESTION_ENDPOINT)).origin);
    this.apiVersion = options.apiVersion ?? DEFAULT_INGESTION_API_VERSION;
    this.session = new BearerSession({
      ...options,
      audience: GRAPH_AUDIENCE,
      forbidden: INGESTION_FORBIDDEN_ADVICE,
    });
    this.clean = this.session.clean;
  }

  /** Every configured secret and every token this client has sent so far. */
  secrets(): string[] {
    return this.session.secrets();
  }

  /**
   * `POST configure/{jobId}/cancel`, empty body (`Content-Length: 0`). Any 2xx is an answer: the
   * configure-status it carries says whether the job is already terminal. Never retried after an
   * ambiguous failure (`../retry.ts`); a 401 is retried once with a fresh token (nothing happened).
   */
  async cancel(jobId: string, signal?: AbortSignal): Promise<JobPoll> {
    const url = this.url(["configure", jobId, "cancel"]);
    const res = await this.session.send({ method: "POST", url, signal });
    return { snapshot: this.parse("POST", url, res, parseJobStatus), httpStatus: res.status };
  }

  /** `GET configure/{jobId}/status`. */
  async getStatus(jobId: string, signal?: AbortSignal): Promise<JobPoll> {
    const url = this.url(["configure", jobId, "status"]);
    const res = await this.session.send({ method: "GET", url, signal });
    return {
      snapshot: this.parse("GET", url, res, parseJobStatus),
      httpStatus: res.status,
      retryAfterMs: parseRetryAfter(res.headers),
    };
  }

  /** `GET configure/{jobId}`: what the job applied (only after it completed; before, the service fails). */
  async getDetail(jobId: string, signal?: AbortSignal): Promise<AppliedResource[]> {
    const url = this.url(["configure", jobId]);
    const res = await this.session.send({ method: "GET", url, signal });
    return this.parse("GET", url, res, parseConfigureDetail);
  }

  /** `GET product?externalId=…`: the durable id of an offer, or undefined when there is none. */
  async findProduct(externalId: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = this.url(["product"], { externalId });
    const res = await this.session.send({ method: "GET", url, signal });
    return this.parse("GET", url, res, parseProductLookup);
  }

  /** `GET submission/{productGuid}`: the product's active submissions (draft included). */
  async listSubmissions(productGuid: string, signal?: AbortSignal): Promise<SubmissionState[]> {
    const url = this.url(["submission", productGuid]);
    const res = await this.session.send({ method: "GET", url, signal });
    return this.parse("GET", url, res, parseSubmissions);
  }

  /**
   * `<origin>/rp/product-ingestion/<segments…>?$version=…`: every segment encoded, `$version`
   * written by hand (URLSearchParams would send `%24version`).
   */
  private url(segments: readonly string[], query: Record<string, string> = {}): URL {
    const url = new URL(this.endpoint.origin);
    url.pathname = `${INGESTION_BASE_PATH}/${segments.map(encodeURIComponent).join("/")}`;
    const rest = Object.entries(query).map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    url.search = `?$version=${encodeURIComponent(this.apiVersion)}${rest.join("")}`;
    if (url.origin !== this.endpoint.origin || !url.pathname.startsWith(`${INGESTION_BASE_PATH}/`)) {
      throw new MarketplaceError(`Refusing to build a request outside ${INGESTION_BASE_PATH}.`);
    }
    return url;
  }

  private parse<T>(
    method: string,
    url: URL,
    res: HttpResponse,
    parse: (body: unknown, clean: Sanitizer) => T,
  ): T {
    try {
      return parse(this.session.json(res.text), this.clean);
    } catch (err) {
      throw new ResponseError(method, url.pathname + url.search, res.status, (err as Error).message);
    }
  }
}

/** A 403 from the Product Ingestion API: the app must be associated with the Partner Center account. */
const INGESTION_FORBIDDEN_ADVICE =
  "The principal has no access: associate its Entra app with the Partner Center account (User management > Microsoft Entra applications).";
