/**
 * The lifecycle calls of `OfferOperationCancellation` (docs/design.md, "The resource"), each a
 * thin handler that decides where to enter the cancellation (`cancellation.ts`): what runs when,
 * and what re-runs it. What both resources share (configure, the printer, check, diff, the
 * `when: "apply"` delete) is `../kit/lifecycle.ts`'s.
 *
 * State written by 0.1.0 calls these functions by name, through `../lifecycle.ts`: the exported
 * names (`configure`, `check`, `diff`, `create`, `update`, `read`, `deleteResource`, `setPrinter`,
 * and the `ResourceInitFailedError`, `operationIdOf` re-exports) must stay.
 */
import { newResourceId, resultsOf, sharedLifecycle } from "../kit/lifecycle";
import { cancelNow, lookAgain, newestRunning, resumeWait } from "./cancellation";
import { contextFor, subjectOf } from "./context";
import {
  OfferOperationCancellationInputs as Inputs,
  checkOfferOperationInputs as checkInputs,
} from "./inputs";
import { OFFER_OPERATION_SPEC as spec } from "./inputSpec";
import {
  OFFER_OPERATION_RESULT_KEYS,
  OfferOperationCancellationOutputs as Outputs,
  recordOfferOperationOutputs,
} from "./outputs";
import { addOfferOperationPreviewFacts as addPreviewFacts } from "./preview";

export { ResourceInitFailedError, operationIdOf } from "./cancellation";
export type {
  CanceledOperation,
  OfferOperationCancellationOutputs as CancellationOutputs,
  OfferOperationCancellationStatus as CancellationStatus,
} from "./outputs";

const shared = sharedLifecycle({ spec, checkInputs, addPreviewFacts, contextFor });

export const { configure, setPrinter, check, diff } = shared;
const { contextOf } = shared;

/** `when: "apply"`: cancel now. `when: "destroy"`: one read that proves access; cancel at delete. */
export async function create(inputs: Inputs): Promise<{ id: string; outs: Outputs }> {
  const id = newResourceId(inputs.publisherId, inputs.offerId);
  const ctx = contextOf(inputs);
  if (inputs.when !== "destroy") return { id, outs: await cancelNow(id, inputs, ctx, "create") };
  // Nothing is cancelled now. One read proves the ids and the credentials work, so a typo fails
  // this `up` instead of surfacing months later at `destroy`.
  const running = await newestRunning(ctx, inputs);
  const outs = recordOfferOperationOutputs(inputs, {
    status: "scheduled",
    canceledOperation: undefined,
    message: `Will cancel whatever runs on ${inputs.publisherId}/${inputs.offerId} when this resource is deleted${running ? ` (now running: ${running.id})` : ""}.`,
  });
  ctx.print(`${ctx.subject}: ${outs.message}`);
  return { id, outs };
}

/** A pending cancellation resumes its wait; any other change is recorded without a call. */
export async function update(id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }> {
  if (olds.status === "pending") return { outs: await resumeWait(id, olds, news, contextOf(news)) };
  // Settings changed (emails, timeouts, endpoint, ...): record them. The cancellation is done.
  return { outs: recordOfferOperationOutputs(news, resultsOf(OFFER_OPERATION_RESULT_KEYS, olds)) };
}

/** `refresh`: the watched operation's status now. */
export async function read(id: string, props: Outputs): Promise<{ id: string; props: Outputs }> {
  if (!props.operationLocation) return { id, props };
  return { id, props: await lookAgain(props, contextOf(props)) };
}

/** `when: "apply"`: nothing is sent. `when: "destroy"`: cancel now (its outcome is printed as it ends). */
export async function deleteResource(id: string, props: Outputs): Promise<void> {
  await shared.deleteAsDeclared(subjectOf(props.publisherId, props.offerId), props.when, () =>
    cancelNow(id, props, contextOf(props), "delete"),
  );
}
