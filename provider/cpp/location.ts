/**
 * Where the service says a long-running cancellation can be watched (docs/cpp-api.md §1), and the
 * paths we build ourselves. Both are checked to stay on the configured origin: the bearer token
 * goes wherever these URLs point.
 */
import { HeaderLookup } from "../core/retry";
import { UnsafeLocationError } from "../core/errors";

/** Reads `Location`, else the legacy `Operation-Location`; undefined when the service sent neither. */
export function operationLocationHeader(headers: HeaderLookup): string | undefined {
  const value = headers.get("location") ?? headers.get("operation-location");
  return value && value.trim() ? value.trim() : undefined;
}

/**
 * Resolves a (possibly relative) operation location against the endpoint, adds `api-version` if
 * missing, keeps `$` exactly as received, and refuses any URL on another origin.
 */
export function resolveOperationLocation(location: string, endpoint: URL, apiVersion: string): URL {
  let url: URL;
  try {
    url = new URL(location, endpoint);
  } catch {
    throw new UnsafeLocationError(
      `The service returned an operation location that is not a URL: ${quote(location)}.`,
    );
  }
  if (url.origin !== endpoint.origin) {
    throw new UnsafeLocationError(
      `The service returned an operation location on another origin (${url.origin}, expected ${endpoint.origin}). ` +
        "It was not followed, so the access token was not sent there. If the endpoint is behind a proxy, set " +
        "`endpoint` to the origin the service reports.",
    );
  }
  if (url.username || url.password) {
    throw new UnsafeLocationError(
      "The service returned an operation location with embedded credentials; refused.",
    );
  }
  if (!url.pathname.startsWith("/api/")) {
    throw new UnsafeLocationError(
      `The service returned an operation location outside /api/: ${quote(url.pathname)}.`,
    );
  }
  if (!url.searchParams.has("api-version")) {
    // Appending by hand keeps the rest of the query byte-for-byte (URLSearchParams would re-encode `$`).
    url.search = url.search
      ? `${url.search}&api-version=${encodeURIComponent(apiVersion)}`
      : `?api-version=${encodeURIComponent(apiVersion)}`;
  }
  url.hash = "";
  return url;
}

/**
 * Builds `/api/publishers/{p}/offers/{o}/{rest}` with every path segment encoded, and proves the
 * result did not escape that prefix (defence in depth behind input validation). The endpoint is
 * an origin: `inputs.ts` refuses endpoints with a path.
 */
export function offerUrl(
  endpoint: URL,
  publisherId: string,
  offerId: string,
  rest: string,
  apiVersion: string,
  query: Record<string, string> = {},
): URL {
  const prefix = `/api/publishers/${encodeURIComponent(publisherId)}/offers/${encodeURIComponent(offerId)}`;
  const url = new URL(endpoint.origin);
  url.pathname = `${prefix}${rest ? `/${rest}` : ""}`;
  const params = new URLSearchParams({ ...query, "api-version": apiVersion });
  url.search = `?${params.toString()}`;
  if (url.origin !== endpoint.origin || (!url.pathname.startsWith(`${prefix}/`) && url.pathname !== prefix)) {
    throw new UnsafeLocationError(`Refusing to build a request outside ${prefix}.`);
  }
  return url;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);
}
