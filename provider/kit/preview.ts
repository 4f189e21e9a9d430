/**
 * What `pulumi preview --diff` tells the reviewer of a pull request about a cancellation that
 * `up` would send (issue 11 §1): what runs on the offer now, or that nothing runs, and whether
 * the `expectedOperationId` guard would stop the `up`. One read-only request (the running
 * submissions), best effort: a preview never fails because of it.
 *
 * The mechanism, chosen from what the real engine (v3.276.0, Automation API
 * `preview({ diff: true, onOutput })`) printed for a probe provider:
 * - In a preview, `check` is the only call the engine makes into the provider for a resource it
 *   would create (the dynamic provider does not announce preview support, so no `create`).
 *   Whatever `check` returns as inputs is what the resource's diff block prints on standard
 *   output, an extra key included: `runningNow: { id: "…", … }`. That is where the facts go.
 * - What the provider process prints during `check` (console.log and console.error alike) reached
 *   the CLI's standard error as diagnostics without a resource (plugin.go streams plugin output
 *   with an empty URN): not the diff block, not what `comment-on-pr` posts.
 * - A replacement calls `check` twice: with the old inputs and, once `diff` said "replace",
 *   again with empty olds; only the second call's inputs are shown (step_generator.go, "we need
 *   to recompute the default values"). So empty olds means "create or replace", the very cases in
 *   which `up` cancels; a lookup in the first call would be a second request thrown away.
 *   (`pulumi up --replace <urn>` forces a replacement without that second call: not shown.)
 * - `up` calls `check` too and stores what it returns as the resource's inputs; a stored
 *   `runningNow` reappeared as `- runningNow: {…}` in the next in-place update's diff block. So the
 *   resource tells `check` whether the program runs as a preview (`pulumi.runtime.isDryRun()`,
 *   under {@link PREVIEW_FLAG}, which `check` removes): `up` neither looks nor stores anything,
 *   and `diff` (which compares only the spec's inputs) never sees the key either way.
 *
 * Step and percent are not in the submissions list (cpp-api.md §3), only in the operation's own
 * GET: a second request per resource. This module keeps to one, and `up` prints them while it
 * waits. "Since" is when the submission started (`createdDateTime`), else its last change
 * (`changedTime`) where the service lists only that.
 */
import type { CancellationInputs, CheckOutcome } from "./checks";
import { UNKNOWN } from "./checks";
import { safeSnippet } from "../core/printable";
import type { ProviderSettings } from "../core/settings";
import type { Submission } from "../cpp/status";

/** The input the resource adds (true in a preview) and `check` removes before anything else. */
export const PREVIEW_FLAG = "__preview";
/** The key `check` adds in a preview, which the diff block shows. Never stored, never diffed. */
export const FACTS_KEY = "runningNow";

/** The whole lookup, credentials included, gives up after this long. */
export const LOOKUP_TIMEOUT_MS = 15_000;

/** What the diff block shows: the running operation, or one line (nothing runs, could not look). */
export type PreviewFacts = RunningFacts | string;

export interface RunningFacts {
  id: string;
  /** `publish` or `go-live`, as the list says. */
  type?: string;
  slot?: string;
  /** When the submission started (`createdDateTime`), else its last change (`changedTime`). */
  since?: string;
  /** The guard would stop `up`: names both ids. */
  warning?: string;
}

/** Lists the running submissions of the target's offer (one GET); injectable for tests. */
export type Lister = (
  inputs: CancellationInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
) => Promise<Submission[]>;

/** Splits the preview flag off the inputs the program sent. */
export function takePreviewFlag(news: Record<string, unknown>): {
  preview: boolean;
  news: Record<string, unknown>;
} {
  const { [PREVIEW_FLAG]: flag, ...rest } = news;
  return { preview: flag === true, news: rest };
}

/**
 * Adds {@link FACTS_KEY} to checked inputs, in a preview, for a resource `up` would create or
 * replace with `when: "apply"`, when the lookup is on. Never throws.
 */
export async function addPreviewFacts(
  olds: Record<string, unknown>,
  outcome: CheckOutcome,
  settings: () => ProviderSettings,
  list: Lister = listRunning,
): Promise<void> {
  await addPreviewFactsBy<CancellationInputs>(olds, outcome, settings, (inputs, resolved) =>
    previewFacts(inputs, resolved, list),
  );
}

/**
 * {@link addPreviewFacts} for any resource: the same rule (a create or replacement with
 * `when: "apply"`, the lookup on, checked inputs), the resource's own `look`. Never throws.
 */
export async function addPreviewFactsBy<I extends { when?: unknown }>(
  olds: Record<string, unknown>,
  outcome: CheckOutcome,
  settings: () => ProviderSettings,
  look: (inputs: I, settings: ProviderSettings) => Promise<unknown>,
  apiName?: string,
): Promise<void> {
  const inputs = outcome.inputs as unknown as I;
  if (outcome.failures.length > 0 || !wouldCancel(olds, inputs)) return;
  let resolved: ProviderSettings;
  try {
    resolved = settings();
  } catch (err) {
    outcome.inputs[FACTS_KEY] = `not looked up: ${reasonOf(err, apiName)}`;
    return;
  }
  if (!resolved.previewLookup) return;
  outcome.inputs[FACTS_KEY] = await look(inputs, resolved);
}

/** Empty olds: a create, or the engine's second `check` of a replacement (see above). */
export function wouldCancel(olds: Record<string, unknown>, inputs: { when?: unknown }): boolean {
  const fresh = Object.keys(olds).filter((k) => k !== "__provider").length === 0;
  return fresh && inputs.when !== "destroy";
}

/** What runs, judged as `up` would judge it; a failed lookup is one line saying why. */
export async function previewFacts(
  inputs: CancellationInputs,
  settings: ProviderSettings,
  list: Lister = listRunning,
): Promise<PreviewFacts> {
  const unknown = (["publisherId", "offerId", "endpoint", "apiVersion", "accessToken"] as const).find(
    (k) => typeof inputs[k] === "string" && (inputs[k] as string).includes(UNKNOWN),
  );
  if (unknown) return `not looked up: ${unknown} is not known before apply`;
  return withinLookupDeadline(async (signal) =>
    describe(inputs, firstRunning(await list(inputs, settings, signal))),
  );
}

/**
 * Runs one best-effort lookup within {@link LOOKUP_TIMEOUT_MS}: its facts, or one line saying why
 * there are none (`apiName` names the API in a missing-credentials reason). Never throws.
 */
export async function withinLookupDeadline<F>(
  look: (signal: AbortSignal) => Promise<F>,
  apiName?: string,
): Promise<F | string> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Raced, not only signalled: a credential source that ignores the signal must not hold the preview.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error("deadline"));
    }, LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([look(abort.signal), deadline]);
  } catch (err) {
    const why = abort.signal.aborted
      ? `no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`
      : reasonOf(err, apiName);
    return `not looked up: ${why}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The same pick as `up` (status.ts), loaded here: `check` stays light when the lookup is off. */
function firstRunning(list: Submission[]): Submission | undefined {
  return (require("../cpp/status") as typeof import("../cpp/status")).firstRunning(list);
}

/** What the reviewer reads, from what runs (or nothing) and the resource's inputs. */
export function describe(inputs: CancellationInputs, running: Submission | undefined): PreviewFacts {
  const guard = inputs.expectedOperationId;
  const judged = guard !== undefined && guard !== UNKNOWN;
  if (!running) {
    if (judged) {
      return `warning: nothing runs, not expectedOperationId ${safeSnippet(guard)}: up will fail and cancel nothing`;
    }
    return inputs.ifNothingToCancel === "fail"
      ? 'nothing runs: up will fail (ifNothingToCancel is "fail")'
      : "nothing runs: up will cancel nothing";
  }
  const id = safeSnippet(running.id);
  const facts: RunningFacts = { id };
  if (running.submissionType) facts.type = typeWord(running.submissionType);
  if (running.slot) facts.slot = safeSnippet(running.slot);
  const since = running.createdTime ?? running.changedTime;
  if (since) facts.since = safeSnippet(since);
  if (judged && running.id !== guard) {
    facts.warning = `${id} runs, not expectedOperationId ${safeSnippet(guard)}: up will fail and cancel nothing`;
  }
  return facts;
}

function typeWord(raw: string): string {
  return /^go[-_ ]?live$/i.test(raw) ? "go-live" : safeSnippet(raw);
}

/** One line: why the lookup could not tell. Our own words, never the service's text. */
export function reasonOf(err: unknown, apiName = "the Cloud Partner Portal"): string {
  const e = (err ?? {}) as { name?: unknown; status?: unknown; message?: unknown };
  const status = typeof e.status === "number" ? e.status : undefined;
  switch (e.name) {
    case "CredentialError":
      return /no credentials|no token/i.test(String(e.message))
        ? `no credentials for ${apiName} (none configured and no Azure login)`
        : "the credential settings are incomplete or unsafe (`pulumi up` says which)";
    case "HTTPError":
      return status === 401 || status === 403
        ? `the service refused the credentials (HTTP ${status})`
        : `the service answered HTTP ${status ?? "error"}`;
    case "ResponseError":
      return `the service's answer could not be read (HTTP ${status ?? "?"})`;
    case "TimeoutError":
    case "AbortError":
      return "the service did not answer in time";
    case "NetworkError":
      return "the service could not be reached";
    default:
      return `unexpected ${typeof e.name === "string" ? safeSnippet(e.name) : "error"}`;
  }
}

/** The one request: `GET …/submissions/?status=running`, no retries, a short timeout. */
async function listRunning(
  inputs: CancellationInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
): Promise<Submission[]> {
  const { contextFor } = require("./context") as typeof import("./context");
  const quick: ProviderSettings = {
    ...settings,
    retry: { ...settings.retry, retries: 0 },
    requestTimeoutMs: Math.min(settings.requestTimeoutMs ?? LOOKUP_TIMEOUT_MS, LOOKUP_TIMEOUT_MS),
  };
  const ctx = contextFor(inputs, quick, () => undefined);
  return ctx.client.listSubmissions(inputs.publisherId, inputs.offerId, { status: "running", signal });
}
