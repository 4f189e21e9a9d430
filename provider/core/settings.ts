/**
 * Everything the provider reads from outside its inputs, resolved by the rows of
 * `settingTable.ts`: stack config under `marketplace:` (handed to `configure`) and environment
 * variables. Stack config wins over the environment, key by key. Each lifecycle call resolves the
 * settings once and passes them down; no other module reads `process.env` or stack config.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { RetryOptions } from "./retry";
import {
  configKey,
  DEFAULT_CONFIRM_WINDOW_MS,
  JOURNAL_UNDER_PULUMI_HOME,
  Setting,
  SettingName,
  SETTINGS,
} from "./settingTable";

export { CREDENTIAL_VARIABLES, DEFAULT_CONFIRM_WINDOW_MS } from "./settingTable";

/** Where a bearer token comes from, when configured (see credentials.ts for the order). */
export interface CredentialSettings {
  /** A ready Cloud Partner Portal token (audience `https://cloudpartner.azure.com`). */
  accessToken?: string;
  /**
   * A ready Product Ingestion API token (audience `https://graph.microsoft.com`). A setting of its
   * own: a token is bound to one API, and one for the CPP must never be sent to Graph.
   */
  ingestionAccessToken?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * Workload identity (keyless CI, AKS): a file holding a federated token (a JWT from GitHub
   * Actions, Kubernetes, ...) that Entra ID exchanges, as a client assertion, for a token of
   * `clientId` in `tenantId`. Read anew when the credential needs a fresh assertion.
   */
  federatedTokenFile?: string;
  /** The Entra ID authority host tokens are asked from; default the public cloud's. */
  authorityHost?: string;
}

export interface ProviderSettings extends CredentialSettings {
  /** Default CPP origin for resources without an `endpoint` input. */
  endpoint?: string;
  /**
   * Default Product Ingestion API origin (the part before `/rp/product-ingestion`) for ingestion
   * resources without an `endpoint` input. Separate from `endpoint`: the two APIs live on
   * different origins and a token for one must never be sent to the other.
   */
  ingestionEndpoint?: string;
  /** Per-request timeout; absent: the HTTP client's default. */
  requestTimeoutMs?: number;
  /** Overrides of the retry policy's defaults. */
  retry: Partial<RetryOptions>;
  /** How long a cancel whose answer was lost gets to take effect before it is sent again. */
  confirmWindowMs: number;
  /** Where the journal of accepted, not yet recorded cancellations lives. */
  journalDir: string;
  /**
   * Whether `pulumi preview` looks up what runs on the offer of a resource it would create
   * (previewLookup.ts). `marketplace:previewLookup` = `false` (or `MARKETPLACE_PREVIEW_LOOKUP`)
   * turns it off for stacks whose previews must make no calls. Default on.
   */
  previewLookup: boolean;
}

/**
 * A setting's value as given: stack config (when the setting has a key there) wins over the
 * environment, whose variables are read in the table's order. Unset, empty and blank are alike.
 */
function given(name: SettingName, config: ConfigLookup, env: NodeJS.ProcessEnv): string | undefined {
  const setting: Setting = SETTINGS[name];
  const fromConfig = setting.config === undefined ? undefined : nonEmpty(config(configKey(name)));
  return fromConfig ?? setting.env.map((variable) => nonEmpty(env[variable])).find((v) => v !== undefined);
}

/** The settings whose value is text, taken as given. */
const TEXT_SETTINGS = [
  "accessToken",
  "ingestionAccessToken",
  "tenantId",
  "clientId",
  "clientSecret",
  "federatedTokenFile",
  "authorityHost",
  "endpoint",
  "ingestionEndpoint",
] as const satisfies readonly (SettingName & keyof ProviderSettings)[];

export type ConfigLookup = (key: string) => string | undefined;

export function resolveSettings(
  config: ConfigLookup,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const read = (name: SettingName) => given(name, config, env);
  const out: ProviderSettings = {
    retry: {},
    confirmWindowMs: numberFrom(read("confirmWindowMs")) ?? DEFAULT_CONFIRM_WINDOW_MS,
    journalDir: journalDir(env),
    previewLookup: switchFrom(read("previewLookup"), true),
  };
  for (const name of TEXT_SETTINGS) {
    const value = read(name);
    if (value !== undefined) out[name] = value;
  }
  // Absent, these keep the HTTP client's and the retry policy's own defaults (the table shows them).
  const requestTimeoutMs = numberFrom(read("requestTimeoutMs"));
  if (requestTimeoutMs !== undefined) out.requestTimeoutMs = requestTimeoutMs;
  const retries = numberFrom(read("retries"));
  const baseDelayMs = numberFrom(read("retryBaseDelayMs"));
  if (retries !== undefined) out.retry.retries = retries;
  if (baseDelayMs !== undefined) out.retry.baseDelayMs = baseDelayMs;
  return out;
}

/**
 * The journal directory as configured, else under `$PULUMI_HOME` (itself `~/.pulumi` by default):
 * beside the engine's own state on this machine.
 */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = given("journalDir", () => undefined, env);
  if (configured !== undefined) return configured;
  const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(home, ...JOURNAL_UNDER_PULUMI_HOME.split("/"));
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * Unset: the default. `true`, `1`, `yes`, `on` (any case): on. Anything else is off: a switch
 * that exists to stop calls must not make them because of a typo.
 */
function switchFrom(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  return /^(true|1|yes|on)$/i.test(v);
}

/** A non-negative number, or undefined for anything else (a typo must not become 0 retries). */
function numberFrom(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
