/**
 * Signing in as an app registration (or a managed identity's client id) with `@azure/identity`:
 * by a client secret (`ClientSecretCredential`) or by a federated token file
 * (`WorkloadIdentityCredential`, keyless CI and AKS), and what to say when Entra ID refuses.
 */
import type { TokenCredential } from "@azure/identity";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ApiAudience } from "../audience";
import type { AccessTokenSource } from "../bearer";
import { CredentialError } from "../errors";
import { CONFIG_NAMESPACE, configKey, SETTINGS, variable } from "../settingTable";
import { AuthorityOptions, authorityOptions } from "./authority";
import type { Identity } from "./library";
import { identitySource } from "./identitySource";

/** Who signs in, and where; tenant and client id are both given (the caller checked). */
export interface AppIdentity {
  tenantId: string;
  clientId: string;
  authorityHost: string | undefined;
}

/** The settings of a sign-in with a client secret. */
const SECRET_SETTINGS = ["tenantId", "clientId", "clientSecret"] as const;

/** The token file's settings, the variable first: CI and AKS set that one. */
const tokenFileSettings = `${variable("federatedTokenFile")} or ${configKey("federatedTokenFile")}`;

/** Sign-in with a client secret. Throws a CredentialError at once for an unusable authority host. */
export function clientSecretSource(
  app: AppIdentity,
  clientSecret: string,
  audience: ApiAudience,
  secrets: string[],
): AccessTokenSource {
  const { tenantId, clientId } = app;
  const where =
    `config ${CONFIG_NAMESPACE}:${SECRET_SETTINGS.map((n) => SETTINGS[n].config).join("/")} ` +
    `or ${SECRET_SETTINGS.map(variable).join("/")}`;
  return signIn(app, audience, secrets, {
    kind: "secret",
    sent: "the client secret",
    identifies: fingerprint(clientSecret),
    create: (identity, authority) =>
      new identity.ClientSecretCredential(tenantId, clientId, clientSecret, { ...authority }),
    explain: (detail, origin) =>
      `Could not get a token for client ${clientId} in tenant ${tenantId} from ${origin}${detail}. ` +
      `Check the tenant id, client id and client secret (${where}) and ` +
      `${configKey("authorityHost")} (${variable("authorityHost")}).`,
  });
}

/**
 * Workload identity: the federated token in `file` is exchanged, as a client assertion, for a
 * token of the app. Throws a CredentialError at once for an unusable authority host.
 */
export function workloadIdentitySource(
  app: AppIdentity,
  federatedTokenFile: string,
  audience: ApiAudience,
  secrets: string[],
): AccessTokenSource {
  const { tenantId, clientId } = app;
  const file = JSON.stringify(federatedTokenFile.slice(0, 300));
  return signIn(app, audience, secrets, {
    kind: "workload",
    sent: "the federated token",
    identifies: federatedTokenFile,
    // The assertion is read here too (the credential reads it again for itself) so that it is
    // redacted wherever it might be echoed, and so that a missing file is named plainly.
    before: () => rememberAssertion(federatedTokenFile, file, secrets),
    create: (identity, authority) =>
      new identity.WorkloadIdentityCredential({
        tenantId,
        clientId,
        tokenFilePath: federatedTokenFile,
        ...authority,
      }),
    explain: (detail, origin) =>
      `Could not exchange the federated token in ${file} for a token of client ${clientId} in tenant ` +
      `${tenantId} at ${origin}${detail}. ` +
      (/AADSTS700024\b/.test(detail)
        ? "The federated token has expired (they live minutes): write a fresh one to the file " +
          `(${tokenFileSettings}) right before the run.`
        : "Check that the app registration (or managed identity) has a federated credential matching the " +
          "token's issuer, subject and audience (api://AzureADTokenExchange), and that the token is fresh."),
  });
}

/** How an app signs in: what differs between a client secret and a federated token file. */
interface SignIn {
  kind: string;
  /** What goes to the authority host, for the error that refuses the host. */
  sent: string;
  /** Tells credentials of one app apart: a fingerprint of the secret, or the token file. */
  identifies: string;
  create(identity: Identity, authority: AuthorityOptions): TokenCredential;
  /** The whole message, given the library's reason and the authority's origin. */
  explain(detail: string, origin: string): string;
  before?(): void;
}

/** The authority host checked, then a source whose credential objects are kept per app and kind. */
function signIn(app: AppIdentity, audience: ApiAudience, secrets: string[], how: SignIn): AccessTokenSource {
  const authority = authorityOptions(app.authorityHost, `${how.sent} is sent there`);
  const origin = new URL(authority.authorityHost).origin;
  return identitySource({
    key: [how.kind, audience.resource, authority.authorityHost, app.tenantId, app.clientId, how.identifies],
    audience,
    secrets,
    before: how.before,
    create: (identity) => how.create(identity, authority),
    explain: (detail) => how.explain(detail, origin),
  });
}

/** Reads the federated token file and adds its assertion to the values that are redacted. */
function rememberAssertion(path: string, shown: string, secrets: string[]): void {
  let assertion: string;
  try {
    assertion = readFileSync(path, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CredentialError(
      `The federated token file ${shown} (${tokenFileSettings}) cannot be read (${code}). ` +
        "Write the OIDC token of the CI job or pod there before the run.",
    );
  }
  if (!assertion) {
    throw new CredentialError(
      `The federated token file ${shown} (${tokenFileSettings}) is empty. ` +
        "Write the OIDC token of the CI job or pod there before the run.",
    );
  }
  if (!secrets.includes(assertion)) secrets.push(assertion);
}

/** Enough of a secret to tell a rotated one apart, and nothing that gives it away. */
function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}
