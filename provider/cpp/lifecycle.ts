/**
 * The dynamic provider's lifecycle calls (design.md "The resource"), each a thin handler that
 * decides where to enter the cancellation (`cancellation.ts`): what runs when, and what re-runs
 * it. This module is loaded with `require` by the small serialized provider object in
 * `dynamicProvider.ts`, so it may hold process-wide state (stack config from `configure`, where
 * progress lines go) and import anything.
 */
import { randomUUID } from "node:crypto";
import { cancelNow, lookAgain, newestRunning, recordOutputs, resumeWait } from "./cancellation";
import { contextFor } from "../kit/context";
import { diffInputs } from "../kit/diff";
import { armInProviderHost } from "../core/engineLiveness";
import { CancellationInputs, CheckFailure, checkInputs } from "../kit/checks";
import { CancellationOutputs, RESULT_KEYS } from "../kit/outputs";
import { addPreviewFacts, takePreviewFlag } from "../kit/preview";
import { Printer, defaultPrinter, subjectOf } from "../kit/progress";
import { ConfigLookup, resolveSettings } from "../core/settings";

export { ResourceInitFailedError, operationIdOf } from "./cancellation";
export type { CanceledOperation, CancellationOutputs, CancellationStatus } from "../kit/outputs";

// Loaded on the engine's first call into the provider host: from then on the process dies with
// the engine instead of outliving it (engineLiveness.ts). Elsewhere (tests, programs) a no-op.
armInProviderHost();

let stackConfig: ConfigLookup = () => undefined;
let print: Printer = defaultPrinter;

/** Stack config arrives here once per provider process (`marketplace:*` keys). */
export async function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  stackConfig = (key) => req.config.get(key);
}

/** Where progress lines go. Tests and embedders may redirect them; the default is stdout. */
export function setPrinter(printer: Printer): void {
  print = printer;
}

/** Settings are resolved once per call: stack config, then the environment (settings.ts). */
function contextOf(target: Parameters<typeof contextFor>[0]) {
  return contextFor(target, resolveSettings(stackConfig), print);
}

/** Validates; in a preview, also shows what runs on the offer `up` would cancel (previewLookup.ts). */
export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const { preview, news: inputs } = takePreviewFlag(news);
  const outcome = checkInputs(inputs);
  if (preview) await addPreviewFacts(olds, outcome, () => resolveSettings(stackConfig));
  return outcome;
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const { changes, replaces, deleteBeforeReplace } = diffInputs(olds, news);
  return { changes, replaces, deleteBeforeReplace };
}

/** `when: "apply"`: cancel now. `when: "destroy"`: one read that proves access; cancel at delete. */
export async function create(inputs: CancellationInputs): Promise<{ id: string; outs: CancellationOutputs }> {
  const id = `${inputs.publisherId}/${inputs.offerId}/${randomUUID()}`;
  const ctx = contextOf(inputs);
  if (inputs.when !== "destroy") return { id, outs: await cancelNow(id, inputs, ctx, "create") };
  // Nothing is cancelled now. One read proves the ids and the credentials work, so a typo fails
  // this `up` instead of surfacing months later at `destroy`.
  const running = await newestRunning(ctx, inputs);
  const outs = recordOutputs(inputs, {
    status: "scheduled",
    canceledOperation: undefined,
    message: `Will cancel whatever runs on ${inputs.publisherId}/${inputs.offerId} when this resource is deleted${running ? ` (now running: ${running.id})` : ""}.`,
  });
  print(`${ctx.subject}: ${outs.message}`);
  return { id, outs };
}

/** A pending cancellation resumes its wait; any other change is recorded without a call. */
export async function update(
  id: string,
  olds: CancellationOutputs,
  news: CancellationInputs,
): Promise<{ outs: CancellationOutputs }> {
  if (olds.status === "pending") return { outs: await resumeWait(id, olds, news, contextOf(news)) };
  // Settings changed (emails, timeouts, endpoint, ...): record them. The cancellation is done.
  return { outs: recordOutputs(news, resultsOf(olds)) };
}

/** `refresh`: the watched operation's status now. */
export async function read(
  id: string,
  props: CancellationOutputs,
): Promise<{ id: string; props: CancellationOutputs }> {
  if (!props.operationLocation) return { id, props };
  return { id, props: await lookAgain(props, contextOf(props)) };
}

/** `when: "apply"`: a cancellation cannot be undone, so nothing is sent. `when: "destroy"`: cancel now. */
export async function deleteResource(id: string, props: CancellationOutputs): Promise<void> {
  const subject = subjectOf(props.publisherId, props.offerId);
  if (props.when !== "destroy") {
    print(
      `${subject}: removed from state only; a cancellation cannot be undone, so nothing is sent to the service.`,
    );
    return;
  }
  print(`${subject}: when is "destroy": cancelling now.`);
  const outs = await cancelNow(id, props, contextOf(props), "delete");
  print(`${subject}: ${outs.message}`);
}

/** The results part of recorded outputs (everything but the echoed inputs). */
function resultsOf(olds: CancellationOutputs): Partial<CancellationOutputs> {
  const out: Partial<CancellationOutputs> = {};
  for (const k of RESULT_KEYS) if (olds[k] !== undefined) (out as Record<string, unknown>)[k] = olds[k];
  return out;
}
