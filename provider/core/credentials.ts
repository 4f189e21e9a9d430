/**
 * Where the bearer token comes from, decided at call time (docs/design.md "Credentials"):
 * `refresh` and `destroy` run long after the `up` that recorded a resource, so nothing about
 * credentials is ever taken from state except the optional `accessToken` input.
 *
 * Order, first match wins:
 *   1. a ready token for the API's own audience: `marketplace:accessToken` (the CPP) or
 *      `marketplace:ingestionAccessToken` (the Product Ingestion API), or their variables;
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
 * This module decides only; the sources live in `credentials/`: every token the provider fetches
 * is fetched by `@azure/identity` (MSAL underneath) from the configured authority host, which is
 * checked first (`authority.ts`), through a source that keeps its credential objects per process
 * so that MSAL's token cache serves every call of a run (`identitySource.ts`, `chainSource.ts`).
 */
import type { ApiAudience } from "./audience";
import type { AccessTokenSource } from "./bearer";
import { CredentialError } from "./errors";
import type { CredentialSettings } from "./settings";
import { configKey, settingsToSet, variable } from "./settingTable";
import { AppIdentity, clientSecretSource, workloadIdentitySource } from "./credentials/appIdentity";
import { authorityOptions } from "./credentials/authority";
import { chainSource, clearChainCache } from "./credentials/chainSource";
import { fixedToken } from "./credentials/fixedToken";
import { clearIdentityCache } from "./credentials/identitySource";

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

/** What a client secret or a token file needs beside it, as messages name it. */
const APP_SETTINGS = settingsToSet(["tenantId", "clientId"]);

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
    const setting = configKey(audience.tokenSetting);
    return {
      kind: "config-token",
      secrets,
      description: `the ${setting} setting`,
      source: fixedToken(configToken, `The ${setting} setting`),
    };
  }
  const { tenantId, clientId, clientSecret, federatedTokenFile, authorityHost } = settings;
  if (clientSecret) {
    if (!tenantId || !clientId) {
      throw new CredentialError(
        `A client secret is configured but the tenant id or client id is missing: set ${APP_SETTINGS}.`,
      );
    }
    const app: AppIdentity = { tenantId, clientId, authorityHost };
    return {
      kind: "client-secret",
      secrets,
      description: `client ${clientId} in tenant ${tenantId}`,
      source: clientSecretSource(app, clientSecret, audience, secrets),
    };
  }
  if (federatedTokenFile) {
    if (!tenantId || !clientId) {
      throw new CredentialError(
        `A federated token file is configured (${configKey("federatedTokenFile")} or ${variable("federatedTokenFile")}) ` +
          "but the tenant id or " +
          `client id is missing: set ${APP_SETTINGS} to the app registration or managed identity that trusts that token.`,
      );
    }
    const app: AppIdentity = { tenantId, clientId, authorityHost };
    return {
      kind: "workload-identity",
      secrets,
      description: `workload identity of client ${clientId} in tenant ${tenantId}`,
      source: workloadIdentitySource(app, federatedTokenFile, audience, secrets),
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
    authorityHost === undefined ? undefined : authorityOptions(authorityHost, "credentials are sent there");
  return {
    kind: "azure-identity",
    secrets,
    description: "the Azure credential chain",
    source: chainSource(settings, authority, audience, secrets),
  };
}

/** For tests: forget every credential object and cached token. */
export function clearTokenCache(): void {
  clearIdentityCache();
  clearChainCache();
}
