/**
 * The Product Ingestion API calls this package makes (ingestion-api.md §2–§6), typed: the routes
 * under `<endpoint>/rp/product-ingestion/`, each with `$version`. HTTP mechanics (timeouts,
 * retries, `Retry-After`, capped bodies) are `../http.ts`'s; where the token comes from is
 * `../credentials.ts`'s, asked for the Graph audience only; this module knows the routes, the
 * bodies and their quirks (`status.ts`).
 */
import type { AccessTokenSource } from "../client";
import { CppError, HTTPError, ResponseError } from "../errors";
import { HttpClient, HttpClientOptions, HttpResponse } from "../http";
import { parseRetryAfter } from "../retry";
import { Sanitizer } from "../sanitize";
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
  private readonly http: HttpClient;
  private readonly credential: AccessTokenSource;
  private readonly sentTokens = new Set<string>();
  private readonly configuredSecrets: () => readonly string[];
  /** The one sanitizer, bound to every configured secret and every token sent. */
  readonly clean: Sanitizer;
  /** Requests sent (including retries). */
  requestCount = 0;

  constructor(options: IngestionClientOptions) {
    this.endpoint = new URL(new URL(String(options.endpoint ?? DEFAULT_INGESTION_ENDPOINT)).origin);
    this.apiVersion = options.apiVersion ?? DEFAULT_INGESTION_API_VERSION;
    this.credential = options.credential;
    this.configuredSecrets = options.secrets ?? (() => []);
    this.http = new HttpClient({ ...options, secrets: () => this.secrets() });
    this.clean = this.http.clean;
  }

  secrets(): string[] {
    return [...this.configuredSecrets(), ...this.sentTokens];
  }

  /**
   * `POST configure/{jobId}/cancel`, empty body (`Content-Length: 0`). Any 2xx is an answer: the
   * configure-status it carries says whether the job is already terminal. Never retried after an
   * ambiguous failure (`../retry.ts`); a 401 is retried once with a fresh token (nothing happened).
   */
  async cancel(jobId: string, signal?: AbortSignal): Promise<JobPoll> {
    const url = this.url(["configure", jobId, "cancel"]);
    const res = await this.authorized("POST", url, signal);
    return { snapshot: this.parse("POST", url, res, parseJobStatus), httpStatus: res.status };
  }

  /** `GET configure/{jobId}/status`. */
  async getStatus(jobId: string, signal?: AbortSignal): Promise<JobPoll> {
    const url = this.url(["configure", jobId, "status"]);
    const res = await this.authorized("GET", url, signal);
    return {
      snapshot: this.parse("GET", url, res, parseJobStatus),
      httpStatus: res.status,
      retryAfterMs: parseRetryAfter(res.headers),
    };
  }

  /** `GET configure/{jobId}`: what the job applied (only after it completed; before, the service fails). */
  async getDetail(jobId: string, signal?: AbortSignal): Promise<AppliedResource[]> {
    const url = this.url(["configure", jobId]);
    const res = await this.authorized("GET", url, signal);
    return this.parse("GET", url, res, parseConfigureDetail);
  }

  /** `GET product?externalId=…`: the durable id of an offer, or undefined when there is none. */
  async findProduct(externalId: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = this.url(["product"], { externalId });
    const res = await this.authorized("GET", url, signal);
    return this.parse("GET", url, res, parseProductLookup);
  }

  /** `GET submission/{productGuid}`: the product's active submissions (draft included). */
  async listSubmissions(productGuid: string, signal?: AbortSignal): Promise<SubmissionState[]> {
    const url = this.url(["submission", productGuid]);
    const res = await this.authorized("GET", url, signal);
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
      throw new CppError(`Refusing to build a request outside ${INGESTION_BASE_PATH}.`);
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
      let body: unknown;
      try {
        body = JSON.parse(res.text);
      } catch {
        throw new TypeError(`not JSON (starts with ${JSON.stringify(this.clean(res.text).slice(0, 40))})`);
      }
      return parse(body, this.clean);
    } catch (err) {
      throw new ResponseError(method, url.pathname + url.search, res.status, (err as Error).message);
    }
  }

  /** Sends with a bearer token; on 401 gets a fresh token once and resends (the 401 did nothing). */
  private async authorized(method: "GET" | "POST", url: URL, signal?: AbortSignal): Promise<HttpResponse> {
    for (const forceRefresh of [false, true]) {
      const token = await this.credential.getToken({ forceRefresh, signal });
      this.sentTokens.add(token);
      try {
        this.requestCount++;
        return await this.http.send({ method, url, signal, headers: { authorization: `Bearer ${token}` } });
      } catch (err) {
        if (!(err instanceof HTTPError) || err.status !== 401 || forceRefresh) throw withAuthHint(err);
      }
    }
    throw new CppError("unreachable");
  }
}

function withAuthHint(err: unknown): unknown {
  if (!(err instanceof HTTPError)) return err;
  if (err.status === 401) {
    return new HTTPError(
      err,
      "The access token was rejected twice (a fresh one was fetched after the first 401). Check that the " +
        "credential is for Microsoft Graph (https://graph.microsoft.com), not the Cloud Partner Portal.",
    );
  }
  if (err.status === 403) {
    return new HTTPError(
      err,
      "The principal has no access: associate its Entra app with the Partner Center account (User management > Microsoft Entra applications).",
    );
  }
  return err;
}
