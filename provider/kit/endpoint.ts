/**
 * The check of an API endpoint, for the `endpoint` input and the API's origin setting alike
 * (`marketplace:endpoint`, `marketplace:ingestionEndpoint`): the endpoint receives the bearer token.
 */
import { isLoopback } from "../core/loopback";
import { safeSnippet } from "../core/printable";

/**
 * The endpoint receives the bearer token: it must be an https origin, or plain http on a
 * loopback address (the emulator). No path, query, fragment or embedded credentials. A failure's
 * advice names `origin`, the API's own default (its `service.ts`), never another API's.
 */
export function checkEndpoint(
  value: unknown,
  property: string,
  origin: string,
  fail: (property: string, reason: string) => void,
): string | undefined {
  const fix = `Use an origin like "${origin}" (plain http only for a loopback emulator such as "http://127.0.0.1:8080").`;
  if (typeof value !== "string") {
    fail(property, `${property} must be a URL string. ${fix}`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    fail(property, `${property} ${JSON.stringify(safeSnippet(value))} is not a URL. ${fix}`);
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    fail(property, `${property} must use https, not ${url.protocol.replace(":", "")}. ${fix}`);
    return undefined;
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    fail(
      property,
      `${property} uses plain http on ${url.hostname}, which would send the access token unencrypted; http is only allowed on loopback. ${fix}`,
    );
    return undefined;
  }
  if (url.username || url.password) {
    fail(property, `${property} must not contain credentials. ${fix}`);
    return undefined;
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    fail(property, `${property} must be an origin without a path, query or fragment. ${fix}`);
    return undefined;
  }
  return url.origin;
}
