/**
 * Everything the provider reads from outside its inputs, in one place: stack config under
 * `marketplace:` (handed to `configure`) and environment variables. Stack config wins over the
 * environment, key by key. Each lifecycle call resolves the settings once and passes them down;
 * no other module reads `process.env` or stack config.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { RetryOptions } from "./retry";

/** Stack config keys live under this namespace: `pulumi config set marketplace:tenantId ...`. */
export const CONFIG_NAMESPACE = "marketplace";

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

/** cpp-api.md §1: a cancel takes effect within 1–3 minutes; 5 leaves room. */
export const DEFAULT_CONFIRM_WINDOW_MS = 5 * 60 * 1000;

/** Settings that stack config or the environment may give, and the variables that give them. */
const CONFIGURABLE: Record<keyof CredentialSettings | "endpoint" | "ingestionEndpoint", string[]> = {
  accessToken: ["MARKETPLACE_ACCESS_TOKEN"],
  ingestionAccessToken: ["MARKETPLACE_INGESTION_ACCESS_TOKEN"],
  tenantId: ["AZURE_TENANT_ID", "ARM_TENANT_ID"],
  clientId: ["AZURE_CLIENT_ID", "ARM_CLIENT_ID"],
  clientSecret: ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"],
  federatedTokenFile: ["AZURE_FEDERATED_TOKEN_FILE"],
  authorityHost: ["AZURE_AUTHORITY_HOST"],
  endpoint: ["MARKETPLACE_ENDPOINT"],
  ingestionEndpoint: ["MARKETPLACE_INGESTION_ENDPOINT"],
};

/**
 * Every environment variable a credential is read from. Tests and the demo blank them all, so
 * no credential of the machine running them reaches a provider.
 */
export const CREDENTIAL_VARIABLES: readonly string[] = Object.entries(CONFIGURABLE)
  .filter(([key]) => key !== "endpoint" && key !== "ingestionEndpoint")
  .flatMap(([, names]) => names);

export type ConfigLookup = (key: string) => string | undefined;

export function resolveSettings(
  config: ConfigLookup,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const out: ProviderSettings = {
    retry: {},
    confirmWindowMs: numberFrom(env.MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS) ?? DEFAULT_CONFIRM_WINDOW_MS,
    journalDir: journalDir(env),
    previewLookup: switchFrom(
      nonEmpty(config(`${CONFIG_NAMESPACE}:previewLookup`)) ?? nonEmpty(env.MARKETPLACE_PREVIEW_LOOKUP),
      true,
    ),
  };
  for (const key of Object.keys(CONFIGURABLE) as (keyof typeof CONFIGURABLE)[]) {
    const value =
      nonEmpty(config(`${CONFIG_NAMESPACE}:${key}`)) ??
      CONFIGURABLE[key].map((name) => nonEmpty(env[name])).find((v) => v !== undefined);
    if (value !== undefined) out[key] = value;
  }
  const requestTimeoutMs = numberFrom(env.MARKETPLACE_REQUEST_TIMEOUT_MS);
  if (requestTimeoutMs !== undefined) out.requestTimeoutMs = requestTimeoutMs;
  const retries = numberFrom(env.MARKETPLACE_RETRIES);
  const baseDelayMs = numberFrom(env.MARKETPLACE_RETRY_BASE_DELAY_MS);
  if (retries !== undefined) out.retry.retries = retries;
  if (baseDelayMs !== undefined) out.retry.baseDelayMs = baseDelayMs;
  return out;
}

/**
 * `$MARKETPLACE_CANCEL_JOURNAL_DIR`, else `$PULUMI_HOME/marketplace-cancel/inflight`, else
 * `~/.pulumi/marketplace-cancel/inflight`: beside the engine's own state on this machine.
 */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKETPLACE_CANCEL_JOURNAL_DIR) return env.MARKETPLACE_CANCEL_JOURNAL_DIR;
  const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(home, "marketplace-cancel", "inflight");
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
