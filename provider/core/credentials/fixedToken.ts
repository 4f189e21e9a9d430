/** A ready token (a setting or the `accessToken` input): handed out as is, never renewed, never cached. */
import type { AccessTokenSource } from "../bearer";
import { CredentialError } from "../errors";
import { configKeys, variable } from "../settingTable";

/** A token we cannot renew. On a 401 the client asks for a fresh one; all we can do is explain. */
export function fixedToken(token: string, what: string): AccessTokenSource {
  return {
    async getToken({ forceRefresh }) {
      if (forceRefresh) {
        throw new CredentialError(
          `${what} was rejected with 401 and cannot be renewed by the provider (tokens last about 60 minutes). ` +
            "Pass a fresh token, or configure a credential the provider can renew: " +
            `${configKeys(["tenantId", "clientId", "clientSecret"])} ` +
            `(or the AZURE_* variables), a federated token file (${variable("federatedTokenFile")}), or an Azure CLI login.`,
        );
      }
      return token;
    },
  };
}
