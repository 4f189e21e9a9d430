/**
 * What `pulumi preview --diff` tells the reviewer of a pull request about a cancellation that
 * `up` would send, for either resource: what its one read-only request (`cpp/preview.ts`,
 * `ingestion/preview.ts`) finds, judged as `up` would judge it. Best effort: a preview never
 * fails because of it, and it only runs when `marketplace:previewLookup` is on.
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
 */
import type { CheckOutcome } from "./checks";
import { UNKNOWN } from "./checks";
import { safeSnippet } from "../core/printable";
import type { ProviderSettings } from "../core/settings";

/** The input the resource adds (true in a preview) and `check` removes before anything else. */
export const PREVIEW_FLAG = "__preview";
/** The key `check` adds in a preview, which the diff block shows. Never stored, never diffed. */
export const FACTS_KEY = "runningNow";

/** The whole lookup, credentials included, gives up after this long. */
export const LOOKUP_TIMEOUT_MS = 15_000;

/** Splits the preview flag off the inputs the program sent. */
export function takePreviewFlag(news: Record<string, unknown>): {
  preview: boolean;
  news: Record<string, unknown>;
} {
  const { [PREVIEW_FLAG]: flag, ...rest } = news;
  return { preview: flag === true, news: rest };
}

/** The one read-only request of a lookup, with settings made quick (no retries, a short timeout). */
export type LookupRequest<I, A> = (inputs: I, settings: ProviderSettings, signal: AbortSignal) => Promise<A>;

/** One resource's lookup: the API it asks, what must be known first, and how to read the answer. */
export interface PreviewLookup<I, A, F> {
  /** Names the API in a missing-credentials reason (its audience's name). */
  readonly apiName: string;
  /** The inputs the request is built from: a value not known before apply means no lookup. */
  readonly needs: readonly (keyof I & string)[];
  /** What the reviewer reads, from the answer and the resource's inputs, judged as `up` would. */
  judge(inputs: I, answer: A): F | string;
}

/**
 * Adds {@link FACTS_KEY} to checked inputs, in a preview, for a resource `up` would create or
 * replace with `when: "apply"`, when the lookup is on: what the request finds, or one line saying
 * why there is nothing. Never throws. `request` is injectable for tests.
 */
export type PreviewFactsAdder<I, A> = (
  olds: Record<string, unknown>,
  outcome: CheckOutcome,
  settings: () => ProviderSettings,
  request?: LookupRequest<I, A>,
) => Promise<void>;

/** A resource's {@link PreviewFactsAdder}: its lookup, and its request unless a test brings one. */
export function previewFactsAdder<I extends { when?: unknown }, A, F>(
  lookup: PreviewLookup<I, A, F>,
  defaultRequest: LookupRequest<I, A>,
): PreviewFactsAdder<I, A> {
  return async (olds, outcome, settings, request = defaultRequest) => {
    const inputs = outcome.inputs as unknown as I;
    if (outcome.failures.length > 0 || !wouldCancel(olds, inputs)) return;
    let resolved: ProviderSettings;
    try {
      resolved = settings();
    } catch (err) {
      outcome.inputs[FACTS_KEY] = `not looked up: ${reasonOf(err, lookup.apiName)}`;
      return;
    }
    if (!resolved.previewLookup) return;
    const unknown = lookup.needs.find((k) => {
      const v = inputs[k];
      return typeof v === "string" && v.includes(UNKNOWN);
    });
    if (unknown) {
      outcome.inputs[FACTS_KEY] = `not looked up: ${unknown} is not known before apply`;
      return;
    }
    const quick: ProviderSettings = {
      ...resolved,
      retry: { ...resolved.retry, retries: 0 },
      requestTimeoutMs: Math.min(resolved.requestTimeoutMs ?? LOOKUP_TIMEOUT_MS, LOOKUP_TIMEOUT_MS),
    };
    outcome.inputs[FACTS_KEY] = await withinLookupDeadline(
      async (signal) => lookup.judge(inputs, await request(inputs, quick, signal)),
      lookup.apiName,
    );
  };
}

/** Empty olds: a create, or the engine's second `check` of a replacement (see above). */
export function wouldCancel(olds: Record<string, unknown>, inputs: { when?: unknown }): boolean {
  const fresh = Object.keys(olds).filter((k) => k !== "__provider").length === 0;
  return fresh && inputs.when !== "destroy";
}

/**
 * Runs one best-effort lookup within {@link LOOKUP_TIMEOUT_MS}: its facts, or one line saying why
 * there are none (`apiName` names the API in a missing-credentials reason). Never throws.
 */
async function withinLookupDeadline<F>(
  look: (signal: AbortSignal) => Promise<F>,
  apiName: string,
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

/** One line: why the lookup could not tell. Our own words, never the service's text. */
export function reasonOf(err: unknown, apiName: string): string {
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
