/**
 * What one lifecycle call of an `IngestionJobCancellation` works with: the Product Ingestion client
 * for the resource's endpoint, the credential chosen for the Graph audience, the settings, and
 * where progress lines go. Built fresh for every call (`refresh` and `destroy` use today's
 * credentials). The CPP resource's `../context.ts`, for the other API: its own origin setting
 * (`marketplace:ingestionEndpoint`) and its own audience, so a token for one API is never sent to
 * the other's origin.
 */
import { GRAPH_AUDIENCE } from "../audience";
import { CredentialChoice, chooseCredential } from "../credentials";
import { checkEndpoint } from "../endpoint";
import { CredentialError } from "../errors";
import { HttpClient, RetryInfo } from "../http";
import type { CheckFailure } from "../inputs";
import { formatDuration } from "../poller";
import type { Printer } from "../progress";
import type { ProviderSettings } from "../settings";
import { IngestionClient } from "./client";
import { DEFAULT_INGESTION_API_VERSION, DEFAULT_INGESTION_ENDPOINT } from "./service";

export interface JobContext {
  client: IngestionClient;
  credential: CredentialChoice;
  /** `[marketplace] job <jobId>`: how every line about this resource starts. */
  subject: string;
  /** The origin requests go to: the `endpoint` input, else `marketplace:ingestionEndpoint`, else Graph's. */
  endpoint: string;
  settings: ProviderSettings;
  print: Printer;
}

export interface JobTarget {
  jobId: string;
  endpoint?: string;
  apiVersion?: string;
  accessToken?: string;
}

/** Our own lines are short; a longer one can only be service text that was not capped. */
const MAX_LINE_LENGTH = 2000;

export function jobSubject(jobId: string): string {
  return `[marketplace] job ${jobId}`;
}

export function jobContextFor(target: JobTarget, settings: ProviderSettings, printer: Printer): JobContext {
  const subject = jobSubject(target.jobId);
  const endpoint = target.endpoint ?? configuredEndpoint(settings);
  // eslint-disable-next-line prefer-const
  let client: IngestionClient;
  const print: Printer = (line) => printer(client.clean(line, { maxLength: MAX_LINE_LENGTH }));
  const onRetry = (info: RetryInfo) =>
    print(
      `${subject}: retry ${info.attempt} of ${info.method} ${info.path} in ${formatDuration(info.delayMs)}: ${info.reason}`,
    );
  const http = { retry: settings.retry, timeoutMs: settings.requestTimeoutMs, onRetry };
  const tokenHttp = new HttpClient({ ...http, secrets: () => client.secrets() });
  const credential = chooseCredential(settings, target.accessToken, tokenHttp, GRAPH_AUDIENCE);
  client = new IngestionClient({
    ...http,
    endpoint,
    apiVersion: target.apiVersion ?? DEFAULT_INGESTION_API_VERSION,
    credential: credential.source,
    secrets: () => credential.secrets,
  });
  return { client, credential, subject, endpoint, settings, print };
}

/** `marketplace:ingestionEndpoint` is checked like the input: a typo must not send the token elsewhere. */
function configuredEndpoint(settings: ProviderSettings): string {
  if (!settings.ingestionEndpoint) return DEFAULT_INGESTION_ENDPOINT;
  const failures: CheckFailure[] = [];
  const endpoint = checkEndpoint(
    settings.ingestionEndpoint,
    "marketplace:ingestionEndpoint",
    (property, reason) => failures.push({ property, reason }),
  );
  if (!endpoint) throw new CredentialError(failures.map((f) => f.reason).join(" "));
  return endpoint;
}
