/**
 * The lifecycle calls of `IngestionJobCancellation`, each a thin handler that decides where to
 * enter the cancellation (`cancellation.ts`). What runs when, and what re-runs it:
 * - `check`: validates (no call); in a preview of a create or replacement with `when: "apply"`,
 *   one read of the job's status when `marketplace:previewLookup` is on (`preview.ts`).
 * - `diff`: `jobId`, `when`, `triggers` replace (a new cancel); the rest updates in place without
 *   a call; `accessToken` and provider code are never a change.
 * - `create`: `when: "apply"`: the cancel, then the wait; `when: "destroy"`: one status read.
 * - `update`: a `pending` cancellation resumes its wait (no new cancel); otherwise records.
 * - `read` (refresh): the job's status now.
 * - `delete`: `when: "apply"`: nothing is sent; `when: "destroy"`: the cancel, then the wait.
 * Loaded with `require` by the serialized provider (`dynamicProvider.ts`).
 */
import { randomUUID } from "node:crypto";
import { diffBySpec } from "../kit/diff";
import { armInProviderHost } from "../core/engineLiveness";
import { takePreviewFlag } from "../kit/preview";
import { Printer, defaultPrinter } from "../kit/progress";
import { ConfigLookup, resolveSettings } from "../core/settings";
import { cancelJob, lookAgainAtJob, readJobForSchedule, resumeJobWait } from "./cancellation";
import { JobTarget, jobContextFor, jobSubject } from "./context";
import { CheckFailure, IngestionInputs, checkIngestionInputs } from "./inputs";
import { INGESTION_DEFAULTS, INGESTION_REPLACE_KEYS, INGESTION_UPDATE_KEYS } from "./inputSpec";
import { INGESTION_RESULT_KEYS, IngestionOutputs, recordJobOutputs } from "./outputs";
import { addJobPreviewFacts } from "./preview";

armInProviderHost();

let stackConfig: ConfigLookup = () => undefined;
let print: Printer = defaultPrinter;

const SPEC = {
  replaceKeys: INGESTION_REPLACE_KEYS,
  updateKeys: INGESTION_UPDATE_KEYS,
  defaults: INGESTION_DEFAULTS,
};

/** Stack config arrives here once per provider process (`marketplace:*` keys). */
export async function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  stackConfig = (key) => req.config.get(key);
}

/** Where progress lines go. Tests and embedders may redirect them; the default is stdout. */
export function setPrinter(printer: Printer): void {
  print = printer;
}

function contextOf(target: JobTarget) {
  return jobContextFor(target, resolveSettings(stackConfig), print);
}

export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const { preview, news: inputs } = takePreviewFlag(news);
  const outcome = checkIngestionInputs(inputs);
  if (preview) await addJobPreviewFacts(olds, outcome, () => resolveSettings(stackConfig));
  return outcome;
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const { changes, replaces, deleteBeforeReplace } = diffBySpec(SPEC, olds, news);
  return { changes, replaces, deleteBeforeReplace };
}

export async function create(inputs: IngestionInputs): Promise<{ id: string; outs: IngestionOutputs }> {
  const id = `${inputs.jobId}/${randomUUID()}`;
  const ctx = contextOf(inputs);
  if (inputs.when === "destroy") return { id, outs: await readJobForSchedule(inputs, ctx) };
  return { id, outs: await cancelJob(id, inputs, ctx, "create") };
}

export async function update(
  id: string,
  olds: IngestionOutputs,
  news: IngestionInputs,
): Promise<{ outs: IngestionOutputs }> {
  if (olds.status === "pending") return { outs: await resumeJobWait(id, olds, news, contextOf(news)) };
  return { outs: recordJobOutputs(news, resultsOf(olds)) };
}

export async function read(
  id: string,
  props: IngestionOutputs,
): Promise<{ id: string; props: IngestionOutputs }> {
  return { id, props: await lookAgainAtJob(props, contextOf(props)) };
}

export async function deleteResource(id: string, props: IngestionOutputs): Promise<void> {
  const subject = jobSubject(props.jobId);
  if (props.when !== "destroy") {
    print(
      `${subject}: removed from state only; a cancellation cannot be undone, so nothing is sent to the service.`,
    );
    return;
  }
  print(`${subject}: when is "destroy": cancelling now.`);
  await cancelJob(id, props, contextOf(props), "delete");
}

function resultsOf(olds: IngestionOutputs): Partial<IngestionOutputs> {
  const out: Record<string, unknown> = {};
  for (const k of INGESTION_RESULT_KEYS) if (olds[k] !== undefined) out[k] = olds[k];
  return out as Partial<IngestionOutputs>;
}
