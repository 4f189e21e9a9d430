/**
 * Cancelling one configure job, as one sequence: send the cancel once (the journal holds it
 * before it leaves), read what the answer says, wait on the job's status until it is completed,
 * then report what the job had applied and what the product's submissions do. The lifecycle
 * handlers (`lifecycle.ts`) only choose where to enter: `create` (and `delete` for
 * `when: "destroy"`) from the start, `update` to resume a recorded wait, `read` to look again.
 *
 * The rule for a cancel whose answer was lost (timeout, cut connection, garbled body, gateway
 * 5xx): the job's status is read first, never the cancel sent again at once. A job that is
 * completed ends it (whatever its result); a job not completed a confirm window after the lost
 * send (`MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS`, default 5 min) gets the cancel once
 * more, since no cancel the service took has had any effect by then (§4: cancel answers terminal).
 */
import { HTTPError, ResourceInitFailedError } from "../core/errors";
import { Phase, notSent, waitFailedOnDelete } from "../kit/texts";
import { JournalEntry, hashKey, journalEntry } from "../core/journal";
import { formatDuration, pollUntilDone } from "../core/poller";
import { progressLine } from "../kit/progress";
import { DEFAULT_RETRY, mayHaveReachedService } from "../core/retry";
import type { JobContext } from "./context";
import { alreadyCompleted, cancelRefused, errorsText, jobNotFound, jobWaitInterrupted } from "./failures";
import type { IngestionInputs } from "./inputs";
import { PRODUCT_ID_PATTERN } from "./inputs";
import { SentJobCancel, sentJobCancelOperation } from "./operation";
import { IngestionOutputs, JobCancellationStatus, recordJobOutputs } from "./outputs";
import { JobSnapshot, describeJob, isActiveSubmission, isCompleted, sameCode } from "./status";

/** What one send of the cancel established. */
type SendOutcome =
  /** Answered (2xx): the job as the answer showed it. */
  | { kind: "answered"; sent: SentJobCancel; snapshot: JobSnapshot }
  /** No usable answer: the cancel may have reached the service. */
  | { kind: "lost"; sent: SentJobCancel }
  /** 400, and the job had completed: as the status read after the refusal showed it. */
  | { kind: "completedBefore"; sent: SentJobCancel; snapshot: JobSnapshot };

/** Cancels the job and waits for it (create, and delete with `when: "destroy"`). */
export async function cancelJob(
  id: string,
  inputs: IngestionInputs,
  ctx: JobContext,
  phase: "create" | "delete",
): Promise<IngestionOutputs> {
  const journal = journalOf(inputs, ctx);
  const inflight = journal.read();
  if (inflight && inflight.endpoint === ctx.endpoint && inflight.jobId === inputs.jobId) {
    ctx.print(
      `${ctx.subject}: a cancel sent at ${inflight.requestedAt} was interrupted before it was recorded; resuming its wait (no new cancel is sent now).`,
    );
    return waitAndFinish(id, inputs, inflight, ctx, { phase, resuming: true, journal });
  }
  if (inflight) journal.clear();

  ctx.print(`${ctx.subject}: cancelling configure job ${inputs.jobId}.`);
  const first = await sendCancel(ctx, inputs, phase, journal, false);
  if (first.kind === "completedBefore") {
    return finish(inputs, ctx, journal, first.sent, first.snapshot, {
      completedBefore: true,
      elapsedMs: 0,
      polls: 0,
    });
  }
  if (first.kind === "answered" && isCompleted(first.snapshot)) {
    return finish(inputs, ctx, journal, first.sent, first.snapshot, {
      completedBefore: false,
      elapsedMs: 0,
      polls: 0,
    });
  }
  return waitAndFinish(id, inputs, first.sent, ctx, { phase, resuming: false, journal });
}

/** Resumes the wait of a cancellation recorded as pending (update after a timeout or a failed wait). */
export function resumeJobWait(
  id: string,
  olds: IngestionOutputs,
  news: IngestionInputs,
  ctx: JobContext,
): Promise<IngestionOutputs> {
  ctx.print(
    `${ctx.subject}: resuming the wait for the cancel sent at ${olds.requestedAt} (no new cancel is sent now).`,
  );
  return waitAndFinish(id, news, fromOutputs(olds, ctx), ctx, {
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
  inputs: IngestionInputs,
  phase: Phase,
  journal: JournalEntry<SentJobCancel>,
  resend: boolean,
): Promise<SendOutcome> {
  const sent: SentJobCancel = {
    jobId: inputs.jobId,
    endpoint: ctx.endpoint,
    requestedAt: new Date().toISOString(),
    answered: false,
  };
  journal.write(sent);
  try {
    const { snapshot, httpStatus } = await ctx.client.cancel(inputs.jobId);
    const answered = { ...sent, answered: true };
    journal.write(answered);
    ctx.print(`${ctx.subject}: the service answered ${httpStatus}: the job is ${describeJob(snapshot)}.`);
    return { kind: "answered", sent: answered, snapshot };
  } catch (err) {
    if (isRefusal(err)) {
      // Too late, or too far along: the job's status tells which (§4).
      const { snapshot } = await ctx.client.getStatus(inputs.jobId).catch((readErr: unknown) => {
        journal.clear();
        throw readErr;
      });
      const answered = { ...sent, answered: true };
      if (isCompleted(snapshot)) {
        // After a lost answer, a refusal because the job completed `cancelled` is the first cancel's work.
        if (resend) journal.write(answered);
        ctx.print(
          `${ctx.subject}: the service refused the cancel: the job is already ${describeJob(snapshot)}.`,
        );
        return { kind: resend ? "answered" : "completedBefore", sent: answered, snapshot };
      }
      journal.clear();
      throw cancelRefused(inputs.jobId, err, snapshot);
    }
    if (err instanceof HTTPError && err.status === 404) {
      journal.clear();
      throw jobNotFound(inputs.jobId, ctx.endpoint, err);
    }
    if (mayHaveReachedService(err)) {
      ctx.print(
        `${ctx.subject}: no usable answer to the cancel (${(err as Error).message}) It may have reached the service, so the job's status is read first; the cancel is sent again only if the job has not completed ${formatDuration(ctx.settings.confirmWindowMs)} after it was sent.`,
      );
      return { kind: "lost", sent };
    }
    journal.clear();
    throw notSent(err, phase);
  }
}

/**
 * Polls the job's status until it is completed. A timeout or any other failure of the wait turns
 * into {@link ResourceInitFailedError} (create/update): the engine records the pending state and
 * the next `up` resumes here, never sending a second cancel for an answered one.
 */
async function waitAndFinish(
  id: string,
  inputs: IngestionInputs,
  first: SentJobCancel,
  ctx: JobContext,
  opts: { phase: Phase; resuming: boolean; journal: JournalEntry<SentJobCancel> },
): Promise<IngestionOutputs> {
  let sent = first;
  let last: JobSnapshot | undefined;
  let resendFailure: unknown;
  const operation = sentJobCancelOperation(ctx.client, {
    current: () => sent,
    confirmWindowMs: ctx.settings.confirmWindowMs,
    resend: async () => {
      ctx.print(
        `${ctx.subject}: the job has not completed ${formatDuration(ctx.settings.confirmWindowMs)} after the cancel whose answer was lost, so that cancel did not take effect; sending it again.`,
      );
      try {
        const again = await sendCancel(ctx, inputs, opts.phase, opts.journal, true);
        sent = again.sent;
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
      onProgress: (p) => {
        last = p.state.snapshot;
        ctx.print(progressLine(ctx.subject, p));
      },
    });
  } catch (err) {
    if (err === resendFailure) throw err;
    if (opts.phase === "delete") throw waitFailedOnDelete(err);
    opts.journal.clear();
    const { message, reason } = jobWaitInterrupted(
      err,
      inputs.jobId,
      sent.answered,
      ctx.settings.confirmWindowMs,
    );
    throw new ResourceInitFailedError<IngestionOutputs>(
      id,
      { ...pendingOutputs(inputs, sent, last), message },
      [reason],
      (inputs as IngestionInputs & { __provider?: unknown }).__provider,
    );
  }
  return finish(inputs, ctx, opts.journal, sent, outcome.state.snapshot, {
    completedBefore: false,
    elapsedMs: outcome.elapsedMs,
    polls: outcome.pollCount,
  });
}

/**
 * The job is completed: decide the status, read what it applied and what the product's
 * submissions do (both best effort: a failure is told in the message, not thrown), record.
 */
async function finish(
  inputs: IngestionInputs,
  ctx: JobContext,
  journal: JournalEntry<SentJobCancel>,
  sent: SentJobCancel,
  snapshot: JobSnapshot,
  how: { completedBefore: boolean; elapsedMs: number; polls: number },
): Promise<IngestionOutputs> {
  journal.clear();
  const cancelled = !how.completedBefore && snapshot.result.value === "cancelled";
  const status: JobCancellationStatus = cancelled ? "canceled" : "alreadyCompleted";
  if (!cancelled && inputs.ifAlreadyCompleted === "fail") throw alreadyCompleted(inputs.jobId, snapshot);

  const notes: string[] = [];
  const applied = await ctx.client.getDetail(inputs.jobId).catch((err: unknown) => {
    notes.push(`What the job applied could not be read: ${(err as Error).message}`);
    return undefined;
  });
  const product = inputs.product ? await productState(inputs.product, ctx, notes) : undefined;

  const waited = how.polls
    ? ` after ${formatDuration(how.elapsedMs)} (${how.polls} status request${how.polls === 1 ? "" : "s"})`
    : "";
  const head = cancelled
    ? `Configure job ${inputs.jobId} was cancelled${waited}.`
    : `Configure job ${inputs.jobId} had already completed (${snapshot.result.raw || "no result"}) before the cancel took effect; nothing was cancelled.`;
  if (applied?.length) {
    const ids = applied.map((r) => r.id ?? r.type).join(", ");
    notes.unshift(
      cancelled
        ? `It had applied ${applied.length} resource${applied.length === 1 ? "" : "s"} before it stopped, which keep their new configuration: ${ids}.`
        : `It applied ${applied.length} resource${applied.length === 1 ? "" : "s"}: ${ids}.`,
    );
  } else if (applied && cancelled) notes.unshift("Nothing had been applied before it stopped.");
  if (product?.submissions) {
    const active = product.submissions.filter(isActiveSubmission);
    notes.push(
      active.length
        ? `${product.productId}: submission${active.length === 1 ? "" : "s"} ${active.map((s) => `${s.id} (${s.status})`).join(", ")} still active.`
        : `${product.productId}: no submission is running.`,
    );
  }
  const message = `${head} ${notes.join(" ")}${errorsText(snapshot.errors)}`.trim();
  ctx.print(`${ctx.subject}: ${message}`);
  return recordJobOutputs(inputs, {
    ...snapshotOutputs(snapshot),
    status,
    appliedResources: applied,
    productId: product?.productId,
    submissions: product?.submissions,
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
): Promise<{ productId?: string; submissions?: IngestionOutputs["submissions"] }> {
  try {
    const productId = PRODUCT_ID_PATTERN.test(product) ? product : await ctx.client.findProduct(product);
    if (!productId) {
      notes.push(`No product has the external id ${product}; its submissions were not read.`);
      return {};
    }
    const guid = PRODUCT_ID_PATTERN.exec(productId)?.[1] ?? productId.replace(/^product\//, "");
    return { productId, submissions: await ctx.client.listSubmissions(guid) };
  } catch (err) {
    notes.push(`The submissions of ${product} could not be read: ${(err as Error).message}`);
    return {};
  }
}

/** `refresh`: the job's status now; a pending cancellation whose job completed is recorded as such. */
export async function lookAgainAtJob(props: IngestionOutputs, ctx: JobContext): Promise<IngestionOutputs> {
  try {
    const { snapshot } = await ctx.client.getStatus(props.jobId);
    const next: IngestionOutputs = { ...props, ...snapshotOutputs(snapshot) };
    if (props.status === "pending" && isCompleted(snapshot)) {
      next.status = snapshot.result.value === "cancelled" ? "canceled" : "alreadyCompleted";
      next.completedAt = new Date().toISOString();
      next.message = `The job completed (${snapshot.result.raw}); seen by refresh.`;
    }
    return dropUndefined(next);
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
export async function readJobForSchedule(
  inputs: IngestionInputs,
  ctx: JobContext,
): Promise<IngestionOutputs> {
  let snapshot: JobSnapshot;
  try {
    snapshot = (await ctx.client.getStatus(inputs.jobId)).snapshot;
  } catch (err) {
    if (err instanceof HTTPError && err.status === 404) throw jobNotFound(inputs.jobId, ctx.endpoint, err);
    throw err;
  }
  const message = `Will cancel configure job ${inputs.jobId} when this resource is deleted (now ${describeJob(snapshot)}).`;
  ctx.print(`${ctx.subject}: ${message}`);
  return recordJobOutputs(inputs, { ...snapshotOutputs(snapshot), status: "scheduled", message });
}

/**
 * The service said no to the cancel itself: 400 `badRequest` as documented (§4), or, since the
 * answer to a cancel "too far along" is undocumented (§8 question 3), a 409 `conflict` or 423
 * `locked`, by status or by code (codes compared case-insensitively). The job's status, read
 * next, tells "already completed" from "refused while running".
 */
function isRefusal(err: unknown): err is HTTPError {
  if (!(err instanceof HTTPError)) return false;
  if (err.status === 400 || err.status === 409 || err.status === 423) return true;
  return err.status >= 400 && err.status < 500 && REFUSAL_CODES.some((code) => sameCode(err.code, code));
}

const REFUSAL_CODES = ["badRequest", "conflict", "locked"];

/** The job fields of the outputs, from one snapshot. */
function snapshotOutputs(s: JobSnapshot): Partial<IngestionOutputs> {
  return {
    jobStatus: s.status.raw,
    jobResult: s.result.raw || undefined,
    jobStart: s.jobStart,
    jobEnd: s.jobEnd,
    jobErrors: s.errors.length ? s.errors : undefined,
  };
}

/** The pending outputs that carry a sent cancel to the next `up` ({@link fromOutputs} restores it). */
function pendingOutputs(
  inputs: IngestionInputs,
  sent: SentJobCancel,
  last: JobSnapshot | undefined,
): IngestionOutputs {
  return recordJobOutputs(inputs, {
    ...(last ? snapshotOutputs(last) : {}),
    status: "pending",
    requestedAt: sent.requestedAt,
    cancelAnswerLost: sent.answered ? undefined : true,
  });
}

function fromOutputs(outs: IngestionOutputs, ctx: JobContext): SentJobCancel {
  return {
    jobId: outs.jobId,
    endpoint: ctx.endpoint,
    requestedAt: outs.requestedAt ?? new Date(0).toISOString(),
    answered: outs.cancelAnswerLost !== true,
  };
}

/** The journal entry of this declared cancellation on this origin (`../journal.ts`). */
function journalOf(inputs: IngestionInputs, ctx: JobContext): JournalEntry<SentJobCancel> {
  const key = hashKey(["ingestion", ctx.endpoint, inputs.jobId, inputs.when, inputs.triggers ?? null]);
  return journalEntry<SentJobCancel>(ctx.settings.journalDir, key);
}

function dropUndefined<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === undefined) delete (o as Record<string, unknown>)[k];
  return o;
}
