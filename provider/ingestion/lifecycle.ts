/**
 * The lifecycle calls of `IngestionJobCancellation`, each a thin handler that decides where to
 * enter the cancellation (`cancellation.ts`). What both resources share (configure, the printer,
 * check, diff, the `when: "apply"` delete) is `../kit/lifecycle.ts`'s. What runs when, and what
 * re-runs it:
 * - `check`: validates (no call); in a preview of a create or replacement with `when: "apply"`,
 *   one read of the job's status when `marketplace:previewLookup` is on (`preview.ts`).
 * - `diff`: `jobId`, `when`, `triggers` replace (a new cancel); the rest updates in place without
 *   a call; `accessToken` and provider code are never a change.
 * - `create`: `when: "apply"`: the cancel, then the wait; `when: "destroy"`: one status read.
 * - `update`: a `pending` cancellation resumes its wait (no new cancel); otherwise records.
 * - `read` (refresh): the job's status now.
 * - `delete`: `when: "apply"`: nothing is sent; `when: "destroy"`: the cancel, then the wait.
 * Loaded with `require` by the serialized provider (`../dynamic/ingestionJobCancellation.ts`).
 */
import { newResourceId, resultsOf, sharedLifecycle } from "../kit/lifecycle";
import { cancelJob, lookAgainAtJob, readJobForSchedule, resumeJobWait } from "./cancellation";
import { jobContextFor as contextFor, jobSubject } from "./context";
import { IngestionJobCancellationInputs as Inputs, checkIngestionJobInputs as checkInputs } from "./inputs";
import { INGESTION_JOB_SPEC as spec } from "./inputSpec";
import {
  INGESTION_JOB_RESULT_KEYS,
  IngestionJobCancellationOutputs as Outputs,
  recordIngestionJobOutputs,
} from "./outputs";
import { addIngestionJobPreviewFacts as addPreviewFacts } from "./preview";

const shared = sharedLifecycle({ spec, checkInputs, addPreviewFacts, contextFor });

export const { configure, setPrinter, check, diff } = shared;
const { contextOf } = shared;

export async function create(inputs: Inputs): Promise<{ id: string; outs: Outputs }> {
  const id = newResourceId(inputs.jobId);
  const ctx = contextOf(inputs);
  if (inputs.when === "destroy") return { id, outs: await readJobForSchedule(inputs, ctx) };
  return { id, outs: await cancelJob(id, inputs, ctx, "create") };
}

export async function update(id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }> {
  if (olds.status === "pending") return { outs: await resumeJobWait(id, olds, news, contextOf(news)) };
  return { outs: recordIngestionJobOutputs(news, resultsOf(INGESTION_JOB_RESULT_KEYS, olds)) };
}

export async function read(id: string, props: Outputs): Promise<{ id: string; props: Outputs }> {
  return { id, props: await lookAgainAtJob(props, contextOf(props)) };
}

export async function deleteResource(id: string, props: Outputs): Promise<void> {
  await shared.deleteAsDeclared(jobSubject(props.jobId), props.when, () =>
    cancelJob(id, props, contextOf(props), "delete"),
  );
}
