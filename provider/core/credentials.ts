/**
 * Where the bearer token comes from, decided at call time (design.md "Credentials"): `refresh`
 * and `destroy` run long after the `up` that recorded a resource, so nothing about credentials is
 * ever taken from state except the optional `accessToken` input.
 *
 * Order, first match wins:
 *   1. an explicit token: `marketplace:accessToken` or `MARKETPLACE_ACCESS_TOKEN`;
 *   2. a client secret (tenant + client id + secret, from `marketplace:*` or the `AZURE_*`
 *      variables), through `@azure/identity`'s `ClientSecretCredential`;
 *   3. workload identity (tenant + client id + a federated token file: what GitHub Actions with
 *      `id-token: write` and AKS workload identity provide), through `WorkloadIdentityCredential`;
 *   4. the `accessToken` input of the resource (e.g. from azure-native's `getClientToken`);
 *   5. the standard Azure credential chain of `@azure/identity` (`DefaultAzureCredential`: Azure
 *      CLI login, managed identity, ...).
 * Renewable sources come before the input on purpose: an input token is frozen into state and
 * expires after about an hour, so a later `destroy` would fail with it. A client secret comes
 * before a federated token file because it is the more specific intent: AKS mounts a token file
 * into every pod of a service account, while a secret is set for this stack (or this job) alone.
 *
 * Every token the provider fetches is fetched by `@azure/identity` (MSAL underneath), from the
 * configured authority host. Its credential objects are kept per process, one per audience,
 * authority, tenant, client and kind, so MSAL's token cache serves every call of a run; a 401
 * replaces the object, so the retry gets a token fresh from the authority and not the cached one.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApiAudience } from "./audience";
import { AccessTokenSource } from "../cpp/client";
import { AbortError, CredentialError } from "./errors";
import { sanitize } from "./sanitize";
import { CredentialSettings } from "./settings";

export type CredentialKind =
  "config-token" | "client-secret" | "workload-identity" | "input-token" | "azure-identity";

export interface CredentialChoice {
  kind: CredentialKind;
  source: AccessTokenSource;
  /**
   * Values that must never appear in any text we print. A live list: the federated assertion is
   * added once it has been read from its file.
   */
  secrets: string[];
  /** For messages: which source is in use, without any secret. */
  description: string;
}

export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/**
 * The Entra ID clouds whose authority hosts MSAL knows by itself (it resolves them from metadata
 * it ships with, without a call). Any other authority host (an emulator, Azure Stack, a private
 * cloud) gets `disableInstanceDiscovery`: otherwise MSAL would first ask
 * login.microsoftonline.com whether that host is a valid authority, sending the host name there
 * and failing where that service cannot be reached. The configured host is trusted as given; it
 * was checked to be https and is where the secret goes anyway.
 */
const KNOWN_CLOUD_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
]);

/** Renew a token of the credential chain this long before it expires (MSAL does the same). */
const EARLY_RENEWAL_MS = 5 * 60 * 1000;

/** Credential objects per process, keyed by source identity (a secret only as a fingerprint). */
const credentials = new Map<string, TokenCredential>();
/**
 * Tokens of the credential chain: some of its members (the Azure CLI) have no cache of their own
 * and would start a process for every request.
 */
const chainTokens = new Map<string, { token: string; expiresOnMs: number }>();

interface AuthorityOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

export function chooseCredential(
  settings: CredentialSettings,
  inputToken: string | undefined,
  audience: ApiAudience,
): CredentialChoice {
  const secrets = [
    settings.accessToken,
    settings.ingestionAccessToken,
    settings.clientSecret,
    inputToken,
  ].filter((s): s is string => !!s);
  // Only the API's own setting: a ready token is bound to one audience (audience.ts).
  const configToken = settings[audience.tokenSetting];
  if (configToken) {
    const setting = `marketplace:${audience.tokenSetting}`;
    return {
      kind: "config-token",
      secrets,
      description: `the ${setting} setting`,
      source: fixedToken(configToken, `The ${setting} setting`),
    };
  }
  const { tenantId, clientId, clientSecret, federatedTokenFile } = settings;
  if (clientSecret) {
    if (!tenantId || !clientId) {
      throw new CredentialError(
        "A client secret is configured but the tenant id or client id is missing: set marketplace:tenantId and " +
          "marketplace:clientId (or AZURE_TENANT_ID and AZURE_CLIENT_ID).",
      );
    }
    const authority = authorityOptions(settings.authorityHost, "the client secret is sent there");
    const origin = new URL(authority.authorityHost).origin;
    return {
      kind: "client-secret",
      secrets,
      description: `client ${clientId} in tenant ${tenantId}`,
      source: identitySource({
        key: [
          "secret",
          audience.resource,
          authority.authorityHost,
          tenantId,
          clientId,
          fingerprint(clientSecret),
        ],
        audience,
        secrets,
        create: (identity) =>
          new identity.ClientSecretCredential(tenantId, clientId, clientSecret, { ...authority }),
        explain: (detail) =>
          `Could not get a token for client ${clientId} in tenant ${tenantId} from ${origin}${detail}. ` +
          "Check the tenant id, client id and client secret (config marketplace:tenantId/clientId/clientSecret " +
          "or AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET) and marketplace:authorityHost (AZURE_AUTHORITY_HOST).",
      }),
    };
  }
  if (federatedTokenFile) {
    if (!tenantId || !clientId) {
      throw new CredentialError(
        "A federated token file is configured (marketplace:federatedTokenFile or AZURE_FEDERATED_TOKEN_FILE) but the " +
          "tenant id or client id is missing: set marketplace:tenantId and marketplace:clientId (or AZURE_TENANT_ID " +
          "and AZURE_CLIENT_ID) to the app registration or managed identity that trusts that token.",
      );
    }
    const authority = authorityOptions(settings.authorityHost, "the federated token is sent there");
    const origin = new URL(authority.authorityHost).origin;
    const file = JSON.stringify(federatedTokenFile.slice(0, 300));
    return {
      kind: "workload-identity",
      secrets,
      description: `workload identity of client ${clientId} in tenant ${tenantId}`,
      source: identitySource({
        key: ["workload", audience.resource, authority.authorityHost, tenantId, clientId, federatedTokenFile],
        audience,
        secrets,
        // The assertion is read here too (the credential reads it again for itself) so that it is
        // redacted wherever it might be echoed, and so that a missing file is named plainly.
        before: () => rememberAssertion(federatedTokenFile, file, secrets),
        create: (identity) =>
          new identity.WorkloadIdentityCredential({
            tenantId,
            clientId,
            tokenFilePath: federatedTokenFile,
            ...authority,
          }),
        explain: (detail) =>
          `Could not exchange the federated token in ${file} for a token of client ${clientId} in tenant ` +
          `${tenantId} at ${origin}${detail}. ` +
          (/AADSTS700024\b/.test(detail)
            ? "The federated token has expired (they live minutes): write a fresh one to the file " +
              "(AZURE_FEDERATED_TOKEN_FILE or marketplace:federatedTokenFile) right before the run."
            : "Check that the app registration (or managed identity) has a federated credential matching the " +
              "token's issuer, subject and audience (api://AzureADTokenExchange), and that the token is fresh."),
      }),
    };
  }
  if (inputToken) {
    return {
      kind: "input-token",
      secrets,
      description: "the accessToken input",
      source: fixedToken(inputToken, "The accessToken input"),
    };
  }
  const authority =
    settings.authorityHost === undefined
      ? undefined
      : authorityOptions(settings.authorityHost, "credentials are sent there");
  return {
    kind: "azure-identity",
    secrets,
    description: "the Azure credential chain",
    source: chainSource(settings, authority, audience, secrets),
  };
}

/**
 * The authority host credentials are sent to: an https URL without user info, checked before
 * anything is sent. MSAL speaks to https authorities only; the emulator serves https for that.
 */
function authorityOptions(value: string | undefined, why: string): AuthorityOptions {
  if (value === undefined) return { authorityHost: DEFAULT_AUTHORITY_HOST, disableInstanceDiscovery: false };
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== "https:" || url.username || url.password) {
    // User info is a password in the URL: never repeated.
    const shown = sanitize(value.replace(/\/\/[^/@]*@/, "//<user info>@"), [], { maxLength: 100 });
    throw new CredentialError(
      `marketplace:authorityHost (or AZURE_AUTHORITY_HOST) ${JSON.stringify(shown)} ` +
        `must be an https URL without user info, because ${why}. Use e.g. "https://login.microsoftonline.com" ` +
        "(a local emulator must serve https as well).",
    );
  }
  return {
    authorityHost: value.replace(/\/+$/, ""),
    disableInstanceDiscovery: !KNOWN_CLOUD_HOSTS.has(url.hostname.toLowerCase()),
  };
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
            "marketplace:clientId and marketplace:clientSecret (or the AZURE_* variables), a federated token file " +
            "(AZURE_FEDERATED_TOKEN_FILE), or an Azure CLI login.",
        );
      }
      return token;
    },
  };
}

type Identity = typeof import("@azure/identity");

/** `@azure/identity` is loaded on first use only: it is large, and check, diff and preview without a lookup never need it. */
function loadIdentity(): Identity {
  return require("@azure/identity") as Identity;
}

interface IdentitySourceOptions {
  key: string[];
  audience: ApiAudience;
  secrets: string[];
  create(identity: Identity): TokenCredential;
  /** The whole message, given the library's reason (already sanitized, starting with ": "). */
  explain(detail: string): string;
  before?(): void;
}

/**
 * A token from a credential object of `@azure/identity`, kept per process under `key` so that
 * MSAL's cache serves later calls. `forceRefresh` (after a 401) starts over with a new object: its
 * empty cache makes MSAL ask the authority, where the old object would hand back the token that
 * was just refused. Calls that arrive while a request for the same key is under way share it (a
 * fleet of resources starting together, or all of them meeting the same 401, make one request);
 * each caller still stops waiting when its own signal aborts.
 */
function identitySource(options: IdentitySourceOptions): AccessTokenSource {
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

/** Token requests under way, per credential key. */
const inFlight = new Map<string, { forced: boolean; promise: Promise<string> }>();

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

/** The standard chain, for machines that are signed in already (CLI login, managed identity). */
function chainSource(
  settings: CredentialSettings,
  authority: AuthorityOptions | undefined,
  audience: ApiAudience,
  secrets: readonly string[],
): AccessTokenSource {
  const key = [
    "chain",
    audience.resource,
    authority?.authorityHost ?? "",
    settings.tenantId ?? "",
    settings.clientId ?? "",
  ].join("|");
  return {
    async getToken({ forceRefresh, signal }) {
      const cached = chainTokens.get(key);
      if (!forceRefresh && cached && cached.expiresOnMs - EARLY_RENEWAL_MS > Date.now()) return cached.token;
      let result: AccessToken | null;
      try {
        // Inside the try: the chain's constructor refuses a bad AZURE_TOKEN_CREDENTIALS.
        let credential = credentials.get(key);
        if (credential === undefined || forceRefresh) {
          const identity = loadIdentity();
          credential = new identity.DefaultAzureCredential({
            ...authority,
            ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
            ...(settings.clientId ? { managedIdentityClientId: settings.clientId } : {}),
          });
          credentials.set(key, credential);
        }
        result = await credential.getToken(audience.scope, { abortSignal: signal });
      } catch (err) {
        if (signal?.aborted) throw new AbortError(`the token request for ${audience.name}`);
        credentials.delete(key);
        throw new CredentialError(
          `No credentials for ${audience.name} were found. Set marketplace:tenantId, marketplace:clientId ` +
            "and marketplace:clientSecret (secret) in stack config, or AZURE_TENANT_ID, AZURE_CLIENT_ID and " +
            "AZURE_CLIENT_SECRET (or AZURE_FEDERATED_TOKEN_FILE instead of the secret), or sign in with `az login`, " +
            `or pass the accessToken input. The Azure credential chain said${reasonOf(err, secrets)}`,
        );
      }
      if (!result?.token)
        throw new CredentialError(`The Azure credential chain returned no token for ${audience.name}.`);
      chainTokens.set(key, { token: result.token, expiresOnMs: result.expiresOnTimestamp });
      return result.token;
    },
  };
}

/**
 * What the library said, for a message, sanitized (the secret and the assertion redacted, a JWT
 * by its shape, escape sequences and line breaks gone, the length capped). MSAL's server errors
 * read "<code>: Error(s): <numbers> - Timestamp: … - Description: AADSTS…: <text> Trace ID: …":
 * the code and the description are kept, the ids and timestamps dropped.
 */
function reasonOf(err: unknown, secrets: readonly string[]): string {
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

/** Reads the federated token file and adds its assertion to the values that are redacted. */
function rememberAssertion(path: string, shown: string, secrets: string[]): void {
  let assertion: string;
  try {
    assertion = readFileSync(path, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CredentialError(
      `The federated token file ${shown} (AZURE_FEDERATED_TOKEN_FILE or marketplace:federatedTokenFile) cannot be read ` +
        `(${code}). Write the OIDC token of the CI job or pod there before the run.`,
    );
  }
  if (!assertion) {
    throw new CredentialError(
      `The federated token file ${shown} (AZURE_FEDERATED_TOKEN_FILE or marketplace:federatedTokenFile) is empty. ` +
        "Write the OIDC token of the CI job or pod there before the run.",
    );
  }
  if (!secrets.includes(assertion)) secrets.push(assertion);
}

/** Enough of a secret to tell a rotated one apart, and nothing that gives it away. */
function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}

/** For tests: forget every credential object and cached token. */
export function clearTokenCache(): void {
  credentials.clear();
  inFlight.clear();
  chainTokens.clear();
}
