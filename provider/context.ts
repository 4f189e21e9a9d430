/**
 * What one lifecycle call works with: the CPP client for the resource's endpoint, the credential
 * chosen for it, the settings, and where progress lines go. Built fresh for every call, because
 * `refresh` and `destroy` must use today's credentials, not those of the `up` that recorded the
 * resource.
 */
import { CPP_AUDIENCE } from "./audience";
import { CppClient } from "./client";
import { DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "./cppService";
import { CredentialChoice, chooseCredential } from "./credentials";
import { CredentialError } from "./errors";
import { HttpClient, RetryInfo } from "./http";
import { checkEndpoint } from "./endpoint";
import type { CheckFailure } from "./inputs";
import { formatDuration } from "./poller";
import { Printer, subjectOf } from "./progress";
import { ProviderSettings } from "./settings";

export interface Context {
  client: CppClient;
  credential: CredentialChoice;
  /** `[marketplace] publisher/offer`: how every line about this resource starts. */
  subject: string;
  /** The origin requests go to: the `endpoint` input, else `marketplace:endpoint`, else the service's. */
  endpoint: string;
  settings: ProviderSettings;
  print: Printer;
}

export interface Target {
  publisherId: string;
  offerId: string;
  endpoint?: string;
  apiVersion?: string;
  accessToken?: string;
}

export function contextFor(target: Target, settings: ProviderSettings, printer: Printer): Context {
  const subject = subjectOf(target.publisherId, target.offerId);
  const endpoint = target.endpoint ?? configuredEndpoint(settings);
  // Assigned below; the closures run only once requests are made.
  // eslint-disable-next-line prefer-const
  let client: CppClient;
  // Every line goes through the client's sanitizer once more, as a net: the service text in it
  // was cleaned when parsed, and nothing printed may carry a token or an escape sequence.
  const print: Printer = (line) => printer(client.clean(line, { maxLength: MAX_LINE_LENGTH }));
  const onRetry = (info: RetryInfo) =>
    print(
      `${subject}: retry ${info.attempt} of ${info.method} ${info.path} in ${formatDuration(info.delayMs)}: ${info.reason}`,
    );
  const http = { retry: settings.retry, timeoutMs: settings.requestTimeoutMs, onRetry };
  // The token endpoint's answers are service text too, redacted with the same secrets and tokens.
  const tokenHttp = new HttpClient({ ...http, secrets: () => client.secrets() });
  const credential = chooseCredential(settings, target.accessToken, tokenHttp, CPP_AUDIENCE);
  client = new CppClient({
    ...http,
    endpoint,
    apiVersion: target.apiVersion ?? DEFAULT_API_VERSION,
    credential: credential.source,
    secrets: () => credential.secrets,
  });
  return { client, credential, subject, endpoint, settings, print };
}

/** Our own lines are short; a longer one can only be service text that was not capped. */
const MAX_LINE_LENGTH = 2000;

/** `marketplace:endpoint` is checked like the input: a typo must not send the token elsewhere. */
function configuredEndpoint(settings: ProviderSettings): string {
  if (!settings.endpoint) return DEFAULT_ENDPOINT;
  const failures: CheckFailure[] = [];
  const endpoint = checkEndpoint(settings.endpoint, "marketplace:endpoint", (property, reason) =>
    failures.push({ property, reason }),
  );
  if (!endpoint) throw new CredentialError(failures.map((f) => f.reason).join(" "));
  return endpoint;
}
