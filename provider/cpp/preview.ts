/**
 * What `pulumi preview --diff` shows for an `OfferOperationCancellation` that `up` would create or
 * replace with `when: "apply"` (the mechanism and its rules are `../kit/preview.ts`'s): what runs
 * on the offer now, or that nothing runs, and whether the `expectedOperationId` guard would stop
 * the `up`. One read-only request: the running submissions.
 *
 * Step and percent are not in the submissions list (docs/cpp-api.md, "List operations (submissions)"), only in the
 * operation's own GET: a second request per resource. This module keeps to one, and `up` prints
 * them while it waits. "Since" is when the submission started (`createdDateTime`), else its last
 * change (`changedTime`) where the service lists only that.
 */
import { UNKNOWN } from "../kit/checks";
import { LookupRequest, PreviewFactsAdder, previewFactsAdder } from "../kit/preview";
import { safeSnippet } from "../core/printable";
import type { ProviderSettings } from "../core/settings";
import type { OfferOperationCancellationInputs } from "./inputs";
import { OFFER_OPERATION_SPEC } from "./inputSpec";
import type { Submission } from "./status";

/** What the diff block shows: the running operation, or one line (nothing runs, could not look). */
export type OfferOperationFacts = RunningFacts | string;

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

/** Lists the running submissions of the target's offer (one GET). */
export type Lister = LookupRequest<OfferOperationCancellationInputs, Submission[]>;

export const addOfferOperationPreviewFacts: PreviewFactsAdder<
  OfferOperationCancellationInputs,
  Submission[]
> = previewFactsAdder(
  {
    apiName: OFFER_OPERATION_SPEC.api.audience.name,
    needs: ["publisherId", "offerId", "endpoint", "apiVersion", "accessToken"],
    judge: (inputs, list) => offerOperationFacts(inputs, firstRunning(list)),
  },
  listRunning,
);

/** The same pick as `up` (status.ts), loaded here: `check` stays light when the lookup is off. */
function firstRunning(list: Submission[]): Submission | undefined {
  return (require("./status") as typeof import("./status")).firstRunning(list);
}

/** What the reviewer reads, from what runs (or nothing) and the resource's inputs. */
export function offerOperationFacts(
  inputs: OfferOperationCancellationInputs,
  running: Submission | undefined,
): OfferOperationFacts {
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

/** The one request: `GET …/submissions/?status=running`, with the quick settings. */
async function listRunning(
  inputs: OfferOperationCancellationInputs,
  settings: ProviderSettings,
  signal: AbortSignal,
): Promise<Submission[]> {
  const { contextFor } = require("./context") as typeof import("./context");
  const ctx = contextFor(inputs, settings, () => undefined);
  return ctx.client.listSubmissions(inputs.publisherId, inputs.offerId, { status: "running", signal });
}
