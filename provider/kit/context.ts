/**
 * What one lifecycle call works with: the API client for the resource's endpoint, the credential
 * chosen for that API's audience, the settings, and where progress lines go. Built fresh for every
 * call, because `refresh` and `destroy` must use today's credentials, not those of the `up` that
 * recorded the resource. One builder for both APIs (`CPP_API` here, `INGESTION_API` in
 * `ingestion/context.ts`): each brings its audience, its origin setting and its client, so a
 * token for one API is never sent to the other's origin.
 */
import { ApiAudience, CPP_AUDIENCE } from "../core/audience";
import type { AccessTokenSource } from "../core/bearer";
import { CppClient } from "../cpp/client";
import { DEFAULT_ENDPOINT } from "../cpp/service";
import { CredentialChoice, chooseCredential } from "../core/credentials";
import { CredentialError } from "../core/errors";
import { RetryInfo } from "../core/http";
import { checkEndpoint } from "./endpoint";
import type { CheckFailure } from "./checks";
import { formatDuration } from "../core/poller";
import { Printer, subjectOf } from "./progress";
import type { Sanitizer } from "../core/sanitize";
import { ProviderSettings } from "../core/settings";
import type { RetryOptions } from "../core/retry";

export interface CallContext<Client> {
  client: Client;
  credential: CredentialChoice;
  /** `[marketplace] publisher/offer`, `[marketplace] job <id>`: how every line about the resource starts. */
  subject: string;
  /** The origin requests go to: the `endpoint` input, else the API's origin setting, else the service's. */
  endpoint: string;
  settings: ProviderSettings;
  print: Printer;
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

/** One Marketplace API, as a call context needs it. */
export interface ApiBinding<Client> {
  audience: ApiAudience;
  /** The provider setting with the API's default origin (`marketplace:<key>`). */
  endpointSetting: "endpoint" | "ingestionEndpoint";
  defaultEndpoint: string;
  createClient(options: ApiClientOptions): Client;
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
  const print: Printer = (line) => printer(client.clean(line, { maxLength: MAX_LINE_LENGTH }));
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
  return { client, credential, subject, endpoint, settings, print };
}

/** Our own lines are short; a longer one can only be service text that was not capped. */
const MAX_LINE_LENGTH = 2000;

/** The origin setting is checked like the input: a typo must not send the token elsewhere. */
function configuredEndpoint(api: ApiBinding<unknown>, settings: ProviderSettings): string {
  const configured = settings[api.endpointSetting];
  if (!configured) return api.defaultEndpoint;
  const failures: CheckFailure[] = [];
  const endpoint = checkEndpoint(configured, `marketplace:${api.endpointSetting}`, (property, reason) =>
    failures.push({ property, reason }),
  );
  if (!endpoint) throw new CredentialError(failures.map((f) => f.reason).join(" "));
  return endpoint;
}

/** The Cloud Partner Portal. */
export const CPP_API: ApiBinding<CppClient> = {
  audience: CPP_AUDIENCE,
  endpointSetting: "endpoint",
  defaultEndpoint: DEFAULT_ENDPOINT,
  createClient: (options) => new CppClient(options),
};

export type Context = CallContext<CppClient>;

export interface Target extends CallTarget {
  publisherId: string;
  offerId: string;
}

export function contextFor(target: Target, settings: ProviderSettings, printer: Printer): Context {
  return callContext(CPP_API, target, subjectOf(target.publisherId, target.offerId), settings, printer);
}
