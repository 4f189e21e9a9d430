/**
 * What `@azure/identity` (MSAL underneath) said when it gave no token, turned into the tail of our
 * CredentialError text.
 */
import { sanitize } from "../sanitize";

/**
 * What the library said, for a message, sanitized (the secret and the assertion redacted, a JWT
 * by its shape, escape sequences and line breaks gone, the length capped). MSAL's server errors
 * read "<code>: Error(s): <numbers> - Timestamp: … - Description: AADSTS…: <text> Trace ID: …":
 * the code and the description are kept, the ids and timestamps dropped. The result starts with
 * ": " so that it follows the sentence it explains.
 */
export function reasonOf(err: unknown, secrets: readonly string[]): string {
  const message =
    err instanceof Error ? err.message : typeof err === "string" ? err : String((err as object) ?? "unknown");
  if (/endpoints_resolution_error/.test(message)) {
    return (
      ": the authority host did not serve the OpenID configuration of the tenant " +
      "(<authority>/<tenant>/v2.0/.well-known/openid-configuration; is the tenant id right, and is the host an Entra ID authority?)"
    );
  }
  const server = /^\s*([a-z_]+):[\s\S]*?Description:\s*([\s\S]*?)(?:\s*Trace ID:[\s\S]*)?$/.exec(message);
  const text = server ? `${server[1]}: ${server[2]}` : message;
  // Our message goes on after it: no full stop of its own.
  return `: ${sanitize(text, secrets).replace(/[.\s]+$/, "")}`;
}
