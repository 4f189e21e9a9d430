/**
 * A token from a credential object of `@azure/identity` for an app registration (client secret or
 * workload identity), with its cache: the credential objects, kept per process, and the token
 * requests under way.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { ApiAudience } from "../audience";
import type { AccessTokenSource } from "../bearer";
import { AbortError, CredentialError } from "../errors";
import { Identity, loadIdentity } from "./library";
import { reasonOf } from "./reason";

export interface IdentitySourceOptions {
  /** Who the credential is: audience, authority, tenant, client, kind (a secret only as a fingerprint). */
  key: string[];
  audience: ApiAudience;
  secrets: string[];
  create(identity: Identity): TokenCredential;
  /** The whole message, given the library's reason (already sanitized, starting with ": "). */
  explain(detail: string): string;
  /** Runs before every request, e.g. to read what must be redacted; may throw a CredentialError. */
  before?(): void;
}

/**
 * Credential objects per process, by key: MSAL's token cache in each serves every later call of a
 * run, and renews a token before it expires.
 */
const credentials = new Map<string, TokenCredential>();

/** Token requests under way, per credential key. */
const inFlight = new Map<string, { forced: boolean; promise: Promise<string> }>();

/**
 * A token from a credential object of `@azure/identity`, kept per process under `key` so that
 * MSAL's cache serves later calls. `forceRefresh` (after a 401) starts over with a new object: its
 * empty cache makes MSAL ask the authority, where the old object would hand back the token that
 * was just refused. Calls that arrive while a request for the same key is under way share it (a
 * fleet of resources starting together, or all of them meeting the same 401, make one request);
 * each caller still stops waiting when its own signal aborts.
 */
export function identitySource(options: IdentitySourceOptions): AccessTokenSource {
  const key = options.key.join("|");
  const fetchToken = async (forceRefresh: boolean): Promise<string> => {
    let result: AccessToken | null;
    try {
      // Inside the try: a constructor refuses some values (a tenant id of the wrong shape).
      let credential = credentials.get(key);
      if (credential === undefined || forceRefresh) {
        credential = options.create(loadIdentity());
        credentials.set(key, credential);
      }
      result = await credential.getToken(options.audience.scope);
    } catch (err) {
      // A credential that failed is not kept: the next call starts clean.
      credentials.delete(key);
      throw new CredentialError(options.explain(reasonOf(err, options.secrets)));
    }
    if (!result?.token) {
      credentials.delete(key);
      throw new CredentialError(options.explain(": the library returned no token"));
    }
    return result.token;
  };
  return {
    async getToken({ forceRefresh, signal }) {
      options.before?.();
      let shared = inFlight.get(key);
      // A forced refresh may share only another forced one: a plain request under way may
      // answer with the very token that was refused.
      if (shared === undefined || (forceRefresh && !shared.forced)) {
        const promise = fetchToken(forceRefresh);
        const entry = { forced: forceRefresh, promise };
        inFlight.set(key, entry);
        shared = entry;
        const done = () => {
          if (inFlight.get(key) === entry) inFlight.delete(key);
        };
        promise.then(done, done);
      }
      return untilAborted(shared.promise, signal, `the token request for ${options.audience.name}`);
    },
  };
}

/** `promise`, or an AbortError as soon as `signal` aborts (the request itself goes on for others). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new AbortError(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** For tests: forget every credential object and every request under way. */
export function clearIdentityCache(): void {
  credentials.clear();
  inFlight.clear();
}
