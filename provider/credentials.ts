/**
 * Where the bearer token comes from, decided at call time (design.md "Credentials"): `refresh`
 * and `destroy` run long after the `up` that recorded a resource, so nothing about credentials is
 * ever taken from state except the optional `accessToken` input.
 *
 * Order, first match wins:
 *   1. provider settings from stack config (`marketplace:*`) and the Azure environment variables:
 *      an explicit `accessToken`, else a client secret (tenant + client id + secret) exchanged at
 *      the documented Azure AD v1 token endpoint;
 *   2. the `accessToken` input of the resource (e.g. from azure-native's `getClientToken`);
 *   3. the standard Azure credential chain of `@azure/identity` (CLI login, managed identity,
 *      workload identity, ...).
 * Fresh sources come before the input on purpose: an input token is frozen into state and
 * expires after about an hour, so a later `destroy` would fail with it.
 */
import { DEFAULT_AUTHORITY_HOST, IssuedToken, requestClientSecretToken } from "./aad";
import { ApiAudience } from "./audience";
import { AccessTokenSource } from "./client";
import { CredentialError } from "./errors";
import { HttpClient } from "./http";
import { isLoopback } from "./loopback";
import { sanitize } from "./sanitize";
import { CredentialSettings } from "./settings";

export type CredentialKind = "config-token" | "client-secret" | "input-token" | "azure-identity";

export interface CredentialChoice {
  kind: CredentialKind;
  source: AccessTokenSource;
  /** Values that must never appear in any text we print. */
  secrets: string[];
  /** For messages: which source is in use, without any secret. */
  description: string;
}

/** Tokens cached per process, keyed by source identity (never by secret value). */
const cache = new Map<string, IssuedToken>();
/** Renew this long before expiry, so a token never dies in the middle of a wait. */
const EARLY_RENEWAL_MS = 5 * 60 * 1000;

export function chooseCredential(
  settings: CredentialSettings,
  inputToken: string | undefined,
  http: HttpClient,
  audience: ApiAudience,
): CredentialChoice {
  const secrets = [settings.accessToken, settings.clientSecret, inputToken].filter((s): s is string => !!s);
  if (settings.accessToken) {
    return {
      kind: "config-token",
      secrets,
      description: "the marketplace:accessToken setting",
      source: fixedToken(settings.accessToken, "The marketplace:accessToken setting"),
    };
  }
  const { tenantId, clientId, clientSecret } = settings;
  if (tenantId && clientId && clientSecret) {
    const authorityHost = checkAuthorityHost(settings.authorityHost);
    const key = `secret|${audience.resource}|${authorityHost}|${tenantId}|${clientId}`;
    return {
      kind: "client-secret",
      secrets,
      description: `client ${clientId} in tenant ${tenantId}`,
      source: {
        async getToken({ forceRefresh, signal }) {
          const cached = cache.get(key);
          if (!forceRefresh && cached && cached.expiresOnMs - EARLY_RENEWAL_MS > Date.now())
            return cached.token;
          const issued = await requestClientSecretToken(http, {
            authorityHost,
            tenantId,
            clientId,
            clientSecret,
            resource: audience.resource,
            signal,
          });
          cache.set(key, issued);
          return issued.token;
        },
      },
    };
  }
  if (clientSecret && !(tenantId && clientId)) {
    throw new CredentialError(
      "A client secret is configured but the tenant id or client id is missing: set marketplace:tenantId and " +
        "marketplace:clientId (or AZURE_TENANT_ID and AZURE_CLIENT_ID).",
    );
  }
  if (inputToken) {
    return {
      kind: "input-token",
      secrets,
      description: "the accessToken input",
      source: fixedToken(inputToken, "The accessToken input"),
    };
  }
  return {
    kind: "azure-identity",
    secrets,
    description: "the Azure credential chain",
    source: azureIdentitySource(secrets, audience),
  };
}

/**
 * The client secret is sent to the authority host: https only, plain http only on loopback (an
 * emulator), no credentials in the URL. Checked before anything is sent.
 */
function checkAuthorityHost(value: string | undefined): string {
  if (value === undefined) return DEFAULT_AUTHORITY_HOST;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) &&
    !url.username &&
    !url.password;
  if (!ok) {
    throw new CredentialError(
      `marketplace:authorityHost (or AZURE_AUTHORITY_HOST) ${JSON.stringify(value.slice(0, 100))} must be an https URL ` +
        '(plain http only on loopback), because the client secret is sent there. Use e.g. "https://login.microsoftonline.com".',
    );
  }
  return value;
}

/**
 * A token we cannot renew. On a 401 the client asks for a fresh one; all we can do is explain.
 */
function fixedToken(token: string, what: string): AccessTokenSource {
  return {
    async getToken({ forceRefresh }) {
      if (forceRefresh) {
        throw new CredentialError(
          `${what} was rejected with 401 and cannot be renewed by the provider (tokens last about 60 minutes). ` +
            "Pass a fresh token, or configure a credential the provider can renew: marketplace:tenantId, " +
            "marketplace:clientId and marketplace:clientSecret (or the AZURE_* variables), or an Azure CLI login.",
        );
      }
      return token;
    },
  };
}

/** `@azure/identity` is loaded only when needed: it is large and most runs never reach it. */
function azureIdentitySource(secrets: readonly string[], audience: ApiAudience): AccessTokenSource {
  const key = `azure-identity|${audience.resource}`;
  return {
    async getToken({ forceRefresh, signal }) {
      const cached = cache.get(key);
      if (!forceRefresh && cached && cached.expiresOnMs - EARLY_RENEWAL_MS > Date.now()) return cached.token;
      const identity = require("@azure/identity") as typeof import("@azure/identity");
      const credential = new identity.DefaultAzureCredential();
      let result: { token: string; expiresOnTimestamp: number } | null;
      try {
        result = await credential.getToken(audience.scope, { abortSignal: signal });
      } catch (err) {
        throw new CredentialError(
          `No credentials for ${audience.name} were found. Set marketplace:tenantId, marketplace:clientId ` +
            "and marketplace:clientSecret (secret) in stack config, or AZURE_TENANT_ID, AZURE_CLIENT_ID and " +
            "AZURE_CLIENT_SECRET, or sign in with `az login`, or pass the accessToken input. The Azure credential " +
            `chain said: ${sanitize((err as Error).message ?? String(err), secrets)}`,
        );
      }
      if (!result)
        throw new CredentialError(`The Azure credential chain returned no token for ${audience.name}.`);
      cache.set(key, { token: result.token, expiresOnMs: result.expiresOnTimestamp });
      return result.token;
    },
  };
}

/** For tests: forget every cached token. */
export function clearTokenCache(): void {
  cache.clear();
}
