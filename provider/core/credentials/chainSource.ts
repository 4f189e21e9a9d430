/**
 * The standard Azure credential chain of `@azure/identity` (`DefaultAzureCredential`: Azure CLI
 * login, managed identity, ...), for machines that are signed in already, with its cache.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { ApiAudience } from "../audience";
import type { AccessTokenSource } from "../bearer";
import { AbortError, CredentialError } from "../errors";
import type { CredentialSettings } from "../settings";
import { configKeys, variable, variables } from "../settingTable";
import type { AuthorityOptions } from "./authority";
import { loadIdentity } from "./library";
import { reasonOf } from "./reason";

/** Renew a token of the chain this long before it expires (MSAL does the same). */
const EARLY_RENEWAL_MS = 5 * 60 * 1000;

/** Chain objects per process, by audience, authority, tenant and client. */
const chains = new Map<string, TokenCredential>();
/**
 * Tokens of the chain: some of its members (the Azure CLI) have no cache of their own and would
 * start a process for every request.
 */
const chainTokens = new Map<string, { token: string; expiresOnMs: number }>();

/**
 * The chain with the configured authority host, tenant id and (as the managed identity's) client
 * id. A forced refresh (after a 401) starts a new chain object and skips the cached token.
 */
export function chainSource(
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
        let credential = chains.get(key);
        if (credential === undefined || forceRefresh) {
          const identity = loadIdentity();
          credential = new identity.DefaultAzureCredential({
            ...authority,
            ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
            ...(settings.clientId ? { managedIdentityClientId: settings.clientId } : {}),
          });
          chains.set(key, credential);
        }
        result = await credential.getToken(audience.scope, { abortSignal: signal });
      } catch (err) {
        if (signal?.aborted) throw new AbortError(`the token request for ${audience.name}`);
        chains.delete(key);
        throw new CredentialError(
          `No credentials for ${audience.name} were found. Set ${noCredentialsAdvice()} or sign in with ` +
            `\`az login\`, or pass the accessToken input. The Azure credential chain said${reasonOf(err, secrets)}`,
        );
      }
      if (!result?.token)
        throw new CredentialError(`The Azure credential chain returned no token for ${audience.name}.`);
      chainTokens.set(key, { token: result.token, expiresOnMs: result.expiresOnTimestamp });
      return result.token;
    },
  };
}

/** What to set when no credential was found: the settings of a client secret, or a token file. */
function noCredentialsAdvice(): string {
  const app = ["tenantId", "clientId", "clientSecret"] as const;
  return (
    `${configKeys(app)} (secret) in stack config, or ${variables(app)} ` +
    `(or ${variable("federatedTokenFile")} instead of the secret),`
  );
}

/** For tests: forget every chain object and cached token. */
export function clearChainCache(): void {
  chains.clear();
  chainTokens.clear();
}
