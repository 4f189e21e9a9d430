/**
 * Every setting the provider reads from outside its inputs, one row each: its key under
 * `marketplace:` in stack config, its environment variables in the order they are read, its
 * default, one line of documentation, and whether it is a secret. Resolution (`settings.ts`), the
 * variables tests blank (`CREDENTIAL_VARIABLES`), the settings credential errors name
 * (`credentials.ts`) and the README's settings tables (a unit test compares them) all come from
 * here, so a setting is added, renamed or documented in this one place.
 */
import { DEFAULT_TIMEOUT_MS } from "./http";
import { DEFAULT_RETRY } from "./retry";

/** Stack config keys live under this namespace: `pulumi config set marketplace:tenantId ...`. */
export const CONFIG_NAMESPACE = "marketplace";

/** The public cloud's Entra ID authority: where tokens are asked for unless configured otherwise. */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** Where the journal lives under `$PULUMI_HOME` (`~/.pulumi`): beside the engine's own state. */
export const JOURNAL_UNDER_PULUMI_HOME = "marketplace-cancel/inflight";

/** docs/cpp-api.md §1: a cancel takes effect within 1–3 minutes; 5 leaves room. */
export const DEFAULT_CONFIRM_WINDOW_MS = 5 * 60 * 1000;

export interface Setting {
  /**
   * The key under `marketplace:` in stack config. Absent for the operator's tuning: it belongs to
   * the machine that runs the provider, not to the stack, so only the environment gives it.
   */
  readonly config?: string;
  /** The environment variables that give it, read in this order after stack config. */
  readonly env: readonly string[];
  /** The default as the README shows it, made from the constant the code uses; absent: none. */
  readonly default?: string;
  /** One line of documentation (the README's table shows it as is). */
  readonly doc: string;
  /** Whether the value must be kept as a secret (`pulumi config set --secret`) and never shown. */
  readonly secret: boolean;
  /** Whether it says where a token comes from (tests and the demo blank these variables). */
  readonly credential: boolean;
}

const code = (text: string | number | boolean): string => `\`${text}\``;

/** The rows, in the order the README lists them. */
export const SETTINGS = {
  accessToken: {
    config: "accessToken",
    env: ["MARKETPLACE_ACCESS_TOKEN"],
    doc: "a ready bearer token for the Cloud Partner Portal (`https://cloudpartner.azure.com`)",
    secret: true,
    credential: true,
  },
  ingestionAccessToken: {
    config: "ingestionAccessToken",
    env: ["MARKETPLACE_INGESTION_ACCESS_TOKEN"],
    doc: "a ready bearer token for the Product Ingestion API (`https://graph.microsoft.com`)",
    secret: true,
    credential: true,
  },
  tenantId: {
    config: "tenantId",
    env: ["AZURE_TENANT_ID", "ARM_TENANT_ID"],
    doc: "the Entra ID tenant (directory) id",
    secret: false,
    credential: true,
  },
  clientId: {
    config: "clientId",
    env: ["AZURE_CLIENT_ID", "ARM_CLIENT_ID"],
    doc: "the app registration's (or managed identity's) client id",
    secret: false,
    credential: true,
  },
  clientSecret: {
    config: "clientSecret",
    env: ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"],
    doc: "with tenant and client id: sign-in with a client secret",
    secret: true,
    credential: true,
  },
  federatedTokenFile: {
    config: "federatedTokenFile",
    env: ["AZURE_FEDERATED_TOKEN_FILE"],
    doc: "with tenant and client id: workload identity, the file holds a federated token (an OIDC JWT)",
    secret: false,
    credential: true,
  },
  authorityHost: {
    config: "authorityHost",
    env: ["AZURE_AUTHORITY_HOST"],
    default: code(DEFAULT_AUTHORITY_HOST),
    doc: "the Entra ID authority tokens are asked from; https only",
    secret: false,
    credential: true,
  },
  endpoint: {
    config: "endpoint",
    env: ["MARKETPLACE_ENDPOINT"],
    doc: "the CPP origin of every resource without an `endpoint` input",
    secret: false,
    credential: false,
  },
  ingestionEndpoint: {
    config: "ingestionEndpoint",
    env: ["MARKETPLACE_INGESTION_ENDPOINT"],
    doc: "the Product Ingestion API origin of every resource without an `endpoint` input",
    secret: false,
    credential: false,
  },
  previewLookup: {
    config: "previewLookup",
    env: ["MARKETPLACE_PREVIEW_LOOKUP"],
    default: code(true),
    doc: "`false`: previews call nothing (see What runs when)",
    secret: false,
    credential: false,
  },
  requestTimeoutMs: {
    env: ["MARKETPLACE_REQUEST_TIMEOUT_MS"],
    default: code(DEFAULT_TIMEOUT_MS),
    doc: "how long one request may take, in milliseconds",
    secret: false,
    credential: false,
  },
  retries: {
    env: ["MARKETPLACE_RETRIES"],
    default: code(DEFAULT_RETRY.retries),
    doc: "retries of a throttled, failed or unanswered request",
    secret: false,
    credential: false,
  },
  retryBaseDelayMs: {
    env: ["MARKETPLACE_RETRY_BASE_DELAY_MS"],
    default: code(DEFAULT_RETRY.baseDelayMs),
    doc: "the first retry's delay in milliseconds, growing exponentially with jitter",
    secret: false,
    credential: false,
  },
  confirmWindowMs: {
    env: ["MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS"],
    default: code(DEFAULT_CONFIRM_WINDOW_MS),
    doc: "how long a cancel whose answer was lost gets to take effect before it is sent again",
    secret: false,
    credential: false,
  },
  journalDir: {
    env: ["MARKETPLACE_CANCEL_JOURNAL_DIR"],
    default: code(`$PULUMI_HOME/${JOURNAL_UNDER_PULUMI_HOME}`),
    doc: "the journal of accepted cancels not yet in state (`PULUMI_HOME` defaults to `~/.pulumi`)",
    secret: false,
    credential: false,
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** The rows as a list, in table order. */
export const SETTING_ROWS: readonly (readonly [SettingName, Setting])[] = Object.entries(SETTINGS) as [
  SettingName,
  Setting,
][];

/**
 * Every environment variable a credential is read from. Tests and the demo blank them all, so
 * no credential of the machine running them reaches a provider.
 */
export const CREDENTIAL_VARIABLES: readonly string[] = SETTING_ROWS.filter(([, s]) => s.credential).flatMap(
  ([, s]) => s.env,
);

/** How messages name a setting of stack config: `marketplace:tenantId`. */
export function configKey(name: SettingName): string {
  const { config } = SETTINGS[name] as Setting;
  if (config === undefined) throw new TypeError(`${name} is not a stack config setting`);
  return `${CONFIG_NAMESPACE}:${config}`;
}

/** How messages name the environment variable of a setting: the first one read. */
export function variable(name: SettingName): string {
  return SETTINGS[name].env[0];
}

/** "a, b and c": how messages list names. */
export function listed(items: readonly string[], word = "and"): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${word} ${items.at(-1)}`;
}

/** How messages list settings of stack config: "marketplace:tenantId and marketplace:clientId". */
export function configKeys(names: readonly SettingName[]): string {
  return listed(names.map(configKey));
}

/** How messages list their environment variables: "AZURE_TENANT_ID and AZURE_CLIENT_ID". */
export function variables(names: readonly SettingName[]): string {
  return listed(names.map(variable));
}

/**
 * How messages name settings to set: "marketplace:tenantId and marketplace:clientId (or
 * AZURE_TENANT_ID and AZURE_CLIENT_ID)".
 */
export function settingsToSet(names: readonly SettingName[]): string {
  return `${configKeys(names)} (or ${variables(names)})`;
}
