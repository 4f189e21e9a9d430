/**
 * Cancelling one configure job, as one sequence: send the cancel once (the journal holds it
 * before it leaves), read what the answer says, wait on the job's status until it is completed,
 * then report what the job had applied and what the product's submissions do. The lifecycle
 * handlers (`lifecycle.ts`) only choose where to enter: `create` (and `delete` for
 * `when: "destroy"`) from the start, `update` to resume a recorded wait, `read` to look again.
 * What a refusal means is `refusal.ts`'s rule; what the end means, as outputs, is `outcome.ts`'s.
 *
 * The rule for a cancel whose answer was lost (timeout, cut connection, garbled body, gateway
 * 5xx): the job's status is read first, never the cancel sent again at once. A job that is
 * completed ends it (whatever its result); a job not completed a confirm window after the lost
 * send (`MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS`, default 5 min) gets the cancel once more, since
 * no cancel the service took has had any effect by then (docs/ingestion-api.md, "POST
 * configure/{jobId}/cancel": an accepted cancel answers with the job completed).
 */
import { HTTPError, ResourceInitFailedError } from "../core/errors";
import { JournalEntry, journalEntry } from "../core/journal";
import { formatDuration, pollUntilDone } from "../core/poller";
import { DEFAULT_RETRY, mayHaveReachedService } from "../core/retry";
import { progressLine } from "../kit/progress";
import * as texts from "../kit/texts";
import type { JobContext } from "./context";
import { IngestionJobCancellationInputs as Inputs, PRODUCT_ID_PATTERN } from "./inputs";
import { sentJobCancelOperation } from "./operation";
import { CancelAnswer, EndFacts, endMessage, endStatus, refreshedOutputs, snapshotOutputs } from "./outcome";
import { IngestionJobCancellationOutputs as Outputs, recordIngestionJobOutputs } from "./outputs";
import { completedDespiteRefusal, isRefusal } from "./refusal";
import { SentJobCancel, fromOutputs, journalKey, pendingOutputs } from "./sentCancellation";
import { JobSnapshot, describeJob, isCompleted } from "./status";
import { alreadyCompleted, jobNotFound, jobWaitInterrupted } from "./texts";

/** What one send of the cancel established. */
type SendOutcome =
  /** Answered (2xx): the job as the answer showed it. */
  | { kind: "answered"; sent: SentJobCancel; snapshot: JobSnapshot }
  /** No usable answer: the cancel may have reached the service. */
  | { kind: "lost"; sent: SentJobCancel }
  /** Refused, and the job had completed: as the status read after the refusal showed it. */
  | { kind: "refused"; sent: SentJobCancel; snapshot: JobSnapshot };

/** Cancels the job and waits for it (create, and delete with `when: "destroy"`). */
export async function cancelJob(
  id: string,
  inputs: Inputs,
  ctx: JobContext,
  phase: "create" | "delete",
): Promise<Outputs> {
  const journal = journalOf(inputs, ctx);
  const inflight = journal.read();
  if (inflight && inflight.endpoint === ctx.endpoint && inflight.jobId === inputs.jobId) {
    ctx.print(`${ctx.subject}: ${texts.resumingUnrecordedCancel(inflight.requestedAt)}`);
    return waitAndFinish(id, inputs, inflight, ctx, { phase, resuming: true, journal });
  }
  if (inflight) journal.clear();

  ctx.print(`${ctx.subject}: cancelling configure job ${inputs.jobId}.`);
  const first = await sendCancel(ctx, inputs, phase, journal);
  if (first.kind === "lost" || !isCompleted(first.snapshot)) {
    return waitAndFinish(id, inputs, first.sent, ctx, { phase, resuming: false, journal });
  }
  const answer = first.kind === "refused" ? "refused" : "accepted";
  return finish(inputs, ctx, journal, first.sent, first.snapshot, { answer, elapsedMs: 0, polls: 0 });
}

/** Resumes the wait of a cancellation recorded as pending (update after a timeout or a failed wait). */
export function resumeJobWait(id: string, olds: Outputs, news: Inputs, ctx: JobContext): Promise<Outputs> {
  ctx.print(
    `${ctx.subject}: resuming the wait for the cancel sent at ${olds.requestedAt} (no new cancel is sent now).`,
  );
  return waitAndFinish(id, news, fromOutputs(olds, ctx.endpoint), ctx, {
    phase: "update",
    resuming: true,
    journal: journalOf(news, ctx),
  });
}

/**
 * Sends the cancel once. The journal entry is written before sending, so a killed engine finds it
 * at the next `up` and waits instead of sending again; it records the answer once there is one.
 */
async function sendCancel(
  ctx: JobContext,
  inputs: Inputs,
  phase: texts.Phase,
  journal: JournalEntry<SentJobCancel>,
): Promise<SendOutcome> {
  const sent: SentJobCancel = {
    jobId: inputs.jobId,
    endpoint: ctx.endpoint,
    requestedAt: new Date().toISOString(),
    answered: false,
  };
  const answered: SentJobCancel = { ...sent, answered: true };
  journal.write(sent);
  try {
    const { snapshot, httpStatus } = await ctx.client.cancel(inputs.jobId, ctx.signal);
    journal.write(answered);
    ctx.print(`${ctx.subject}: the service answered ${httpStatus}: the job is ${describeJob(snapshot)}.`);
    return { kind: "answered", sent: answered, snapshot };
  } catch (err) {
    if (isRefusal(err)) {
      const snapshot = await completedDespiteRefusal(ctx.client, inputs.jobId, err).catch((why: unknown) => {
        journal.clear();
        throw why;
      });
      journal.write(answered);
      ctx.print(
        `${ctx.subject}: the service refused the cancel: the job is already ${describeJob(snapshot)}.`,
      );
      return { kind: "refused", sent: answered, snapshot };
    }
    if (err instanceof HTTPError && err.status === 404) {
      journal.clear();
      throw jobNotFound(inputs.jobId, ctx.endpoint, err);
    }
    if (mayHaveReachedService(err)) {
      ctx.print(
        `${ctx.subject}: ${texts.cancelAnswerLost(err, `the job's status is read first; the cancel is sent again only if the job has not completed ${formatDuration(ctx.settings.confirmWindowMs)} after it was sent.`)}`,
      );
      return { kind: "lost", sent };
    }
    journal.clear();
    throw texts.notSent(err, phase);
  }
}

/**
 * Polls the job's status until it is completed. A timeout or any other failure of the wait turns
 * into {@link ResourceInitFailedError} (create/update): the engine records the pending state and
 * the next `up` resumes here, never sending a second cancel for an answered one.
 */
async function waitAndFinish(
  id: string,
  inputs: Inputs,
  first: SentJobCancel,
  ctx: JobContext,
  opts: { phase: texts.Phase; resuming: boolean; journal: JournalEntry<SentJobCancel> },
): Promise<Outputs> {
  let sent = first;
  // A resend refused because the job had completed leaves the lost first cancel's fate unknown.
  let answer: CancelAnswer = first.answered ? "accepted" : "unconfirmed";
  let last: JobSnapshot | undefined;
  let resendFailure: unknown;
  const operation = sentJobCancelOperation(ctx.client, {
    current: () => sent,
    confirmWindowMs: ctx.settings.confirmWindowMs,
    resend: async () => {
      ctx.print(
        `${ctx.subject}: ${texts.resendingAfterLostAnswer("the job has not completed", ctx.settings.confirmWindowMs)}`,
      );
      try {
        const again = await sendCancel(ctx, inputs, opts.phase, opts.journal);
        sent = again.sent;
        if (again.kind === "answered") answer = "accepted";
        return again.kind === "lost" ? undefined : again.snapshot;
      } catch (err) {
        resendFailure = err;
        throw err;
      }
    },
  });

  let outcome;
  try {
    outcome = await pollUntilDone(operation, {
      timeoutMs: inputs.timeoutSeconds * 1000,
      minIntervalMs: inputs.pollIntervalSeconds.min * 1000,
      maxIntervalMs: inputs.pollIntervalSeconds.max * 1000,
      // A service-requested wait is honoured up to the polling ceiling (or the retry policy's cap).
      maxRetryAfterMs: Math.max(inputs.pollIntervalSeconds.max * 1000, DEFAULT_RETRY.maxRetryAfterMs),
      // Resuming: look at once. A cancel answered or lost just now: give it the floor first.
      initialDelayMs: opts.resuming ? 0 : undefined,
      what: `configure job ${inputs.jobId} to stop`,
      signal: ctx.signal,
      onProgress: (p) => {
        last = p.state.snapshot;
        ctx.print(progressLine(ctx.subject, p), "progress");
      },
    });
  } catch (err) {
    if (err === resendFailure) throw err;
    if (opts.phase === "delete") throw texts.waitFailedOnDelete(err);
    opts.journal.clear();
    const window = ctx.settings.confirmWindowMs;
    const { message, reason } = jobWaitInterrupted(err, inputs.jobId, sent.answered, window);
    throw new ResourceInitFailedError<Outputs>(
      id,
      { ...pendingOutputs(inputs, sent, last), message },
      [reason],
      (inputs as Inputs & { __provider?: unknown }).__provider,
    );
  }
  return finish(inputs, ctx, opts.journal, sent, outcome.state.snapshot, {
    answer,
    elapsedMs: outcome.elapsedMs,
    polls: outcome.pollCount,
  });
}

/**
 * The job is completed: decide the status, read what it applied and what the product's
 * submissions do (both best effort: a failure is told in the message, not thrown), record.
 * `ifAlreadyCompleted: "fail"` applies to a job that ended on its own only: one that failed
 * after the service accepted the cancel did not complete before it.
 */
async function finish(
  inputs: Inputs,
  ctx: JobContext,
  journal: JournalEntry<SentJobCancel>,
  sent: SentJobCancel,
  snapshot: JobSnapshot,
  how: { answer: CancelAnswer; elapsedMs: number; polls: number },
): Promise<Outputs> {
  journal.clear();
  const status = endStatus(snapshot, how.answer);
  if (status === "alreadyCompleted" && inputs.ifAlreadyCompleted === "fail") {
    throw alreadyCompleted(inputs.jobId, snapshot);
  }
  const facts: EndFacts = { elapsedMs: how.elapsedMs, polls: how.polls, notes: [] };
  facts.applied = await ctx.client.getDetail(inputs.jobId, ctx.signal).catch((err: unknown) => {
    facts.notes.push(`What the job applied could not be read: ${(err as Error).message}`);
    return undefined;
  });
  if (inputs.product) Object.assign(facts, await productState(inputs.product, ctx, facts.notes));
  const message = endMessage(inputs.jobId, status, snapshot, facts);
  ctx.print(`${ctx.subject}: ${message}`);
  return recordIngestionJobOutputs(inputs, {
    ...snapshotOutputs(snapshot),
    status,
    appliedResources: facts.applied,
    productId: facts.productId,
    submissions: facts.submissions,
    requestedAt: sent.requestedAt,
    completedAt: new Date().toISOString(),
    message,
  });
}

/** The product's durable id and submissions now; failures become notes. */
async function productState(
  product: string,
  ctx: JobContext,
  notes: string[],
): Promise<Pick<EndFacts, "productId" | "submissions">> {
  try {
    const productId = PRODUCT_ID_PATTERN.test(product)
      ? product
      : await ctx.client.findProduct(product, ctx.signal);
    if (!productId) {
      notes.push(`No product has the external id ${product}; its submissions were not read.`);
      return {};
    }
    const guid = PRODUCT_ID_PATTERN.exec(productId)?.[1] ?? productId.replace(/^product\//, "");
    return { productId, submissions: await ctx.client.listSubmissions(guid, ctx.signal) };
  } catch (err) {
    notes.push(`The submissions of ${product} could not be read: ${(err as Error).message}`);
    return {};
  }
}

/** `refresh`: the job's status now; a pending cancellation whose job completed is recorded as such. */
export async function lookAgainAtJob(props: Outputs, ctx: JobContext): Promise<Outputs> {
  try {
    const { snapshot } = await ctx.client.getStatus(props.jobId, ctx.signal);
    return refreshedOutputs(props, snapshot);
  } catch (err) {
    if (!(err instanceof HTTPError && err.status === 404)) throw err;
    ctx.print(
      `${ctx.subject}: warning: the service no longer knows configure job ${props.jobId}; keeping the record.`,
    );
    return {
      ...props,
      jobStatus: "notFound",
      message: "The configure job is no longer known to the service.",
    };
  }
}

/** `when: "destroy"` at create: one read of the job's status, which proves the id and the access. */
export async function readJobForSchedule(inputs: Inputs, ctx: JobContext): Promise<Outputs> {
  let snapshot: JobSnapshot;
  try {
    snapshot = (await ctx.client.getStatus(inputs.jobId, ctx.signal)).snapshot;
  } catch (err) {
    if (err instanceof HTTPError && err.status === 404) throw jobNotFound(inputs.jobId, ctx.endpoint, err);
    throw err;
  }
  const message = `Will cancel configure job ${inputs.jobId} when this resource is deleted (now ${describeJob(snapshot)}).`;
  ctx.print(`${ctx.subject}: ${message}`);
  return recordIngestionJobOutputs(inputs, { ...snapshotOutputs(snapshot), status: "scheduled", message });
}

/** The journal entry of this declared cancellation on this origin (`sentCancellation.ts`). */
function journalOf(inputs: Inputs, ctx: JobContext): JournalEntry<SentJobCancel> {
  return journalEntry<SentJobCancel>(
    ctx.settings.journalDir,
    journalKey({ ...inputs, endpoint: ctx.endpoint }),
  );
}
