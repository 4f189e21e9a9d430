/**
 * The provider's own arguments: stack config `marketplace:*` for the default provider, and the
 * arguments of an explicit `new marketplace.Provider("tenant-b", { … })`, both of which the engine
 * sends as the provider resource's inputs (CheckConfig, then Configure). Each plugin process is one
 * provider instance, so two explicit providers (two tenants) are two processes, each configured
 * once. The settings are the rows of `core/settingTable.ts` that have a config key; what Configure
 * receives becomes the config lookup both lifecycle modules' `configure` take (keys
 * `marketplace:<name>`), read by `core/settings.ts` before the environment (docs/design.md
 * "Credentials").
 */
import { authorityOptions } from "../core/credentials/authority";
import { CredentialError } from "../core/errors";
import { ConfigLookup } from "../core/settings";
import { CONFIG_NAMESPACE, SETTING_ROWS, SettingName } from "../core/settingTable";
import { UNKNOWN } from "../kit/checks";
import { checkEndpoint } from "../kit/endpoint";
import { CPP_API_FACTS } from "../cpp/service";
import { INGESTION_API_FACTS } from "../ingestion/service";
import { unwrapSecrets, wrapSecretKeys } from "./secrets";

type Props = Record<string, unknown>;

/** Argument name → setting: every row that stack config can give. */
const ARGUMENTS: ReadonlyMap<string, SettingName> = new Map(
  SETTING_ROWS.flatMap(([name, s]) => (s.config === undefined ? [] : [[s.config, name] as const])),
);

/** Inputs the engine or an SDK adds to every provider resource; they are not settings. */
const ENGINE_ARGUMENTS = new Set(["version", "pluginDownloadURL"]);

/** The settings that are secrets: kept wrapped, so state holds them encrypted. */
export const SECRET_ARGUMENTS: readonly string[] = SETTING_ROWS.flatMap(([, s]) =>
  s.config !== undefined && s.secret ? [s.config] : [],
);

/** The endpoint settings and the origin each one's advice names (the API's own default). */
const ENDPOINTS: Readonly<Record<string, string>> = {
  [CPP_API_FACTS.endpointSetting]: CPP_API_FACTS.defaultEndpoint,
  [INGESTION_API_FACTS.endpointSetting]: INGESTION_API_FACTS.defaultEndpoint,
};

export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * CheckConfig: an unknown argument or an unusable endpoint or authority host fails here, at
 * `pulumi preview`, naming the property and the fix, rather than at the first request of `up`.
 * Values not known before apply are not judged. Returns the inputs to record: secret settings
 * wrapped even when the program passed them in clear.
 */
export function checkProviderConfig(news: Props): { inputs: Props; failures: ConfigFailure[] } {
  const failures: ConfigFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const plain = unwrapSecrets(news) as Props;
  for (const [key, value] of Object.entries(plain)) {
    if (ENGINE_ARGUMENTS.has(key) || key.startsWith("__")) continue;
    if (!ARGUMENTS.has(key)) {
      fail(
        key,
        `${key} is not a setting of the ${CONFIG_NAMESPACE} provider. Use one of ${[...ARGUMENTS.keys()].join(", ")} ` +
          "(README, Settings), or set it as an environment variable if it is the operator's tuning.",
      );
      continue;
    }
    if (value === undefined || value === null || (typeof value === "string" && value.includes(UNKNOWN))) {
      continue;
    }
    const text = settingText(value);
    if (key in ENDPOINTS) checkEndpoint(text, key, ENDPOINTS[key], fail);
    if (key === "authorityHost") {
      try {
        authorityOptions(text, "the client secret or federated token is sent there");
      } catch (err) {
        if (!(err instanceof CredentialError)) throw err;
        fail(key, err.message);
      }
    }
  }
  return { inputs: wrapSecretKeys(news, SECRET_ARGUMENTS), failures };
}

/**
 * Configure: the arguments as the lookup `core/settings.ts` reads (`marketplace:<name>`), secrets
 * unwrapped. An argument absent or empty falls through to the environment, as stack config does.
 */
export function configLookupOf(args: Props): ConfigLookup {
  const plain = unwrapSecrets(args) as Props;
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(plain)) {
    if (!ARGUMENTS.has(key) || value === undefined || value === null) continue;
    values.set(`${CONFIG_NAMESPACE}:${key}`, settingText(value));
  }
  return (key) => values.get(key);
}

/** Stack config is text; an SDK may send a boolean (`previewLookup: false`) or a number. */
function settingText(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
}
