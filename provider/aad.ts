/**
 * The documented Azure AD v1 client-credentials token request for the CPP resource (cpp-api.md §6).
 * `@azure/identity` covers every other way to sign in; this form POST is kept because it is the
 * contract the CPP documentation gives, it works against any authority host (the emulator in
 * tests, sovereign clouds), and it costs no extra dependency.
 */
import { CPP_AUDIENCE } from "./audience";
import { CredentialError, HTTPError } from "./errors";
import { HttpClient } from "./http";
import { sanitize } from "./sanitize";

export const CPP_RESOURCE = CPP_AUDIENCE.resource;
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

export interface ClientSecretRequest {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  resource?: string;
  signal?: AbortSignal;
}

export interface IssuedToken {
  token: string;
  /** Epoch ms. */
  expiresOnMs: number;
}

export async function requestClientSecretToken(
  http: HttpClient,
  req: ClientSecretRequest,
): Promise<IssuedToken> {
  const url = new URL(`/${encodeURIComponent(req.tenantId)}/oauth2/token`, req.authorityHost);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: req.clientId,
    client_secret: req.clientSecret,
    resource: req.resource ?? CPP_RESOURCE,
  });
  let text: string;
  try {
    const res = await http.send({
      method: "POST",
      url,
      body: form.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      // Asking for a token twice is harmless, so every transient failure may be retried.
      idempotent: true,
      signal: req.signal,
    });
    text = res.text;
  } catch (err) {
    const status = err instanceof HTTPError ? ` (HTTP ${err.status}${err.code ? `, ${err.code}` : ""})` : "";
    const detail = err instanceof HTTPError ? (err.serviceMessage ?? "") : (err as Error).message;
    throw new CredentialError(
      `Could not get a token for client ${req.clientId} in tenant ${req.tenantId} from ${url.origin}${status}: ` +
        `${sanitize(detail, [req.clientSecret])} Check the tenant id, client id and client secret ` +
        "(config marketplace:tenantId/clientId/clientSecret or AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET).",
    );
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CredentialError(`The token endpoint ${url.origin} answered with a body that is not JSON.`);
  }
  const token = body.access_token;
  if (typeof token !== "string" || !token) {
    throw new CredentialError(`The token endpoint ${url.origin} answered without an access_token.`);
  }
  // The documented sample sends numbers as strings; v2 sends numbers. Accept both.
  const expiresOn = Number(body.expires_on);
  const expiresIn = Number(body.expires_in);
  const expiresOnMs =
    Number.isFinite(expiresOn) && expiresOn > 0
      ? expiresOn * 1000
      : Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300) * 1000;
  return { token, expiresOnMs };
}
