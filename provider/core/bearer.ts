/**
 * Requests with a bearer token, the part both APIs' clients share: the token is asked of its
 * source for every request (the source caches), a 401 gets one fresh token and one resend (a
 * refused token did nothing on the service), every token sent is remembered so the sanitizer
 * redacts it, and a 401 or 403 that survives carries the API's own advice. The clients
 * (`client.ts`, `ingestion/client.ts`) know their routes and bodies; this module knows none.
 */
import type { ApiAudience } from "./audience";
import { MarketplaceError, HTTPError } from "./errors";
import { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "./http";
import { Sanitizer } from "./sanitize";

/** Anything that can hand out a bearer token for one API. */
export interface AccessTokenSource {
  /** `forceRefresh` skips any cache: the service just answered 401 to the cached token. */
  getToken(options: { forceRefresh: boolean; signal?: AbortSignal }): Promise<string>;
}

export interface BearerSessionOptions extends HttpClientOptions {
  credential: AccessTokenSource;
  /** The API's audience: a 401 that survives a fresh token says the credential must be for it. */
  audience: ApiAudience;
  /** What a 403 of this API means and how the principal gets access. */
  forbidden: string;
}

export class BearerSession {
  private readonly http: HttpClient;
  private readonly sentTokens = new Set<string>();
  private readonly configuredSecrets: () => readonly string[];
  /**
   * The one sanitizer (`sanitize.ts`) bound to every configured secret and every token sent:
   * every string parsed from an answer passes through it, so callers only ever see clean text.
   */
  readonly clean: Sanitizer;

  constructor(private readonly options: BearerSessionOptions) {
    this.configuredSecrets = options.secrets ?? (() => []);
    this.http = new HttpClient({ ...options, secrets: () => this.secrets() });
    this.clean = this.http.clean;
  }

  /** Every configured secret and every token sent so far. */
  secrets(): string[] {
    return [...this.configuredSecrets(), ...this.sentTokens];
  }

  /** Sends with a bearer token; on 401 gets a fresh token once and resends. */
  async send(request: Omit<HttpRequest, "headers">): Promise<HttpResponse> {
    for (const forceRefresh of [false, true]) {
      const token = await this.options.credential.getToken({ forceRefresh, signal: request.signal });
      this.sentTokens.add(token);
      try {
        return await this.http.send({ ...request, headers: { authorization: `Bearer ${token}` } });
      } catch (err) {
        if (!(err instanceof HTTPError) || err.status !== 401 || forceRefresh) throw this.advised(err);
      }
    }
    throw new MarketplaceError("unreachable");
  }

  /** The answer's body as JSON; the error quotes its start, sanitized whole and then cut. */
  json(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      // Sanitized whole, then cut: a body that starts with a token must not show its first half.
      throw new TypeError(`not JSON (starts with ${JSON.stringify(this.clean(text).slice(0, 40))})`);
    }
  }

  private advised(err: unknown): unknown {
    if (!(err instanceof HTTPError)) return err;
    if (err.status === 401) {
      const { name, resource } = this.options.audience;
      return new HTTPError(
        err,
        "The access token was rejected twice (a fresh one was fetched after the first 401). Check that the " +
          `credential is for ${name} (${resource}).`,
      );
    }
    if (err.status === 403) return new HTTPError(err, this.options.forbidden);
    return err;
  }
}
