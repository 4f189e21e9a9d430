/**
 * The authority host credentials are sent to: checked before anything is sent, and told to MSAL
 * the way it needs for that host (docs/design.md "Credentials").
 */
import { CredentialError } from "../errors";
import { sanitize } from "../sanitize";
import { configKey, DEFAULT_AUTHORITY_HOST, variable } from "../settingTable";

export interface AuthorityOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

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

/**
 * The authority host credentials are sent to: an https URL without user info, checked before
 * anything is sent. MSAL speaks to https authorities only; the emulator serves https for that.
 * `why` ends the error text: what would be sent there.
 */
export function authorityOptions(value: string | undefined, why: string): AuthorityOptions {
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
      `${configKey("authorityHost")} (or ${variable("authorityHost")}) ${JSON.stringify(shown)} ` +
        `must be an https URL without user info, because ${why}. Use e.g. ${JSON.stringify(DEFAULT_AUTHORITY_HOST)} ` +
        "(a local emulator must serve https as well).",
    );
  }
  return {
    authorityHost: value.replace(/\/+$/, ""),
    disableInstanceDiscovery: !KNOWN_CLOUD_HOSTS.has(url.hostname.toLowerCase()),
  };
}
