/**
 * What one lifecycle call works with: the API client for the resource's endpoint, the credential
 * chosen for that API's audience, the settings, and where progress lines go. Built fresh for every
 * call, because `refresh` and `destroy` must use today's credentials, not those of the `up` that
 * recorded the resource. One builder for both APIs (each binds it in its own `context.ts`, as
 * `CPP_API` and `INGESTION_API`): each brings its audience, its origin setting and its client, so
 * a token for one API is never sent to the other's origin.
 */
import type { AccessTokenSource } from "../core/bearer";
import { CredentialChoice, chooseCredential } from "../core/credentials";
import { CredentialError } from "../core/errors";
import { RetryInfo } from "../core/http";
import { checkEndpoint } from "./endpoint";
import type { CheckFailure } from "./checks";
import type { ApiFacts } from "./inputSpec";
import { formatDuration } from "../core/poller";
import type { Printer } from "./progress";
import type { Sanitizer } from "../core/sanitize";
import { ProviderSettings } from "../core/settings";
import type { RetryOptions } from "../core/retry";
import { shutdownSignal } from "../core/shutdown";

export interface CallContext<Client> {
  client: Client;
  credential: CredentialChoice;
  /** `[marketplace] publisher/offer`, `[marketplace] job <id>`: how every line about the resource starts. */
  subject: string;
  /** The origin requests go to: the `endpoint` input, else the API's origin setting, else the service's. */
  endpoint: string;
  settings: ProviderSettings;
  print: Printer;
  /**
   * Aborted when the engine asks the provider to stop (`core/shutdown.ts`): the cancellation
   * sequences pass it to every request and to the poller, so a wait stops at once.
   */
  signal: AbortSignal;
}

/** What a client of either API is built from. */
export interface ApiClientOptions {
  endpoint: string;
  apiVersion?: string;
  credential: AccessTokenSource;
  secrets: () => readonly string[];
  retry: Partial<RetryOptions>;
  timeoutMs?: number;
  onRetry: (info: RetryInfo) => void;
}

/**
 * One Marketplace API, as a call context needs it: the API's facts (its audience, its origin
 * setting and default origin, written once in its `service.ts`) and how to build its client.
 */
export interface ApiBinding<Client> extends Pick<
  ApiFacts,
  "audience" | "endpointSetting" | "defaultEndpoint"
> {
  createClient(options: ApiClientOptions): Client;
}

/** The binding of one API: its facts, and its client class, built from {@link ApiClientOptions}. */
export function bindApi<Client>(
  facts: ApiFacts,
  ClientClass: new (options: ApiClientOptions) => Client,
): ApiBinding<Client> {
  const { audience, endpointSetting, defaultEndpoint } = facts;
  return { audience, endpointSetting, defaultEndpoint, createClient: (options) => new ClientClass(options) };
}

/** The target of one call: where, which `api-version`/`$version`, and the resource's token input. */
export interface CallTarget {
  endpoint?: string;
  apiVersion?: string;
  accessToken?: string;
}

export function callContext<Client extends { clean: Sanitizer }>(
  api: ApiBinding<Client>,
  target: CallTarget,
  subject: string,
  settings: ProviderSettings,
  printer: Printer,
): CallContext<Client> {
  const endpoint = target.endpoint ?? configuredEndpoint(api, settings);
  // Assigned below; the closures run only once requests are made.
  // eslint-disable-next-line prefer-const
  let client: Client;
  // Every line goes through the client's sanitizer once more, as a net: the service text in it
  // was cleaned when parsed, and nothing printed may carry a token or an escape sequence.
  const print: Printer = (line, kind) => printer(client.clean(line, { maxLength: MAX_LINE_LENGTH }), kind);
  const onRetry = (info: RetryInfo) =>
    print(
      `${subject}: retry ${info.attempt} of ${info.method} ${info.path} in ${formatDuration(info.delayMs)}: ${info.reason}`,
    );
  const credential = chooseCredential(settings, target.accessToken, api.audience);
  client = api.createClient({
    endpoint,
    apiVersion: target.apiVersion,
    credential: credential.source,
    secrets: () => credential.secrets,
    retry: settings.retry,
    timeoutMs: settings.requestTimeoutMs,
    onRetry,
  });
  return { client, credential, subject, endpoint, settings, print, signal: shutdownSignal() };
}

/** Our own lines are short; a longer one can only be service text that was not capped. */
const MAX_LINE_LENGTH = 2000;

/** The origin setting is checked like the input: a typo must not send the token elsewhere. */
function configuredEndpoint(api: ApiBinding<unknown>, settings: ProviderSettings): string {
  const configured = settings[api.endpointSetting];
  if (!configured) return api.defaultEndpoint;
  const failures: CheckFailure[] = [];
  const endpoint = checkEndpoint(
    configured,
    `marketplace:${api.endpointSetting}`,
    api.defaultEndpoint,
    (property, reason) => failures.push({ property, reason }),
  );
  if (!endpoint) throw new CredentialError(failures.map((f) => f.reason).join(" "));
  return endpoint;
}
