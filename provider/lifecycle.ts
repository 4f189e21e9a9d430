/**
 * What the provider does in each lifecycle call (design.md "The resource"). This module is loaded
 * with `require` by the small serialized provider object in `dynamicProvider.ts`, so it may hold
 * process-wide state (settings from `configure`, the token cache) and import anything.
 */
import { randomUUID } from "node:crypto";
import { CancelResponse, CppClient, DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "./client";
import { CredentialChoice, ProviderSettings, chooseCredential, resolveSettings } from "./credentials";
import { diffInputs } from "./diff";
import { armInProviderHost } from "./engineLiveness";
import {
  CancellationError,
  CppError,
  CredentialError,
  HTTPError,
  NetworkError,
  OperationTimeoutError,
  ResponseError,
  TimeoutError,
  UnsafeLocationError,
} from "./errors";
import { HttpClient } from "./http";
import { CancellationInputs, CheckFailure, checkEndpoint, checkInputs } from "./inputs";
import { InflightCancellation, clearInflight, journalKey, readInflight, writeInflight } from "./journal";
import { resolveOperationLocation } from "./location";
import { CancellationState, locationOperation, submissionWatchOperation } from "./operation";
import { PollableOperation, formatDuration, pollUntilDone } from "./poller";
import { Printer, defaultPrinter, progressLine, subjectOf } from "./progress";
import { RetryOptions } from "./retry";
import { CanceledOperation, CancellationOutputs, RESULT_KEYS } from "./outputs";
export type { CanceledOperation, CancellationOutputs, CancellationStatus } from "./outputs";
import { normalizeStatus } from "./status";

/**
 * The error shape the dynamic-provider runtime turns into "resource created but not initialized":
 * the engine records `properties` under `id` and calls `update` on the next `pulumi up`.
 */
export class ResourceInitFailedError extends CppError {
  override readonly name = "ResourceInitFailedError";
  readonly properties: CancellationOutputs & { __provider?: unknown };

  constructor(
    readonly id: string,
    properties: CancellationOutputs,
    readonly reasons: string[],
    /**
     * The serialized provider from the inputs. The runtime records `properties` as they are, and
     * a later `refresh` or `destroy` loads the provider from them: without it they would fail.
     */
    serializedProvider: unknown,
  ) {
    super(reasons.join(" "));
    this.properties =
      serializedProvider === undefined ? properties : { ...properties, __provider: serializedProvider };
  }
}

// Loaded on the engine's first call into the provider host: from then on the process dies with
// the engine instead of outliving it (engineLiveness.ts). Elsewhere (tests, programs) a no-op.
armInProviderHost();

/** Which lifecycle call is waiting: decides what a failure message tells the user to do next. */
type Phase = "create" | "update" | "delete";

let settings: ProviderSettings = resolveSettings(() => undefined);
let print: Printer = defaultPrinter;

/** Stack config arrives here once per provider process (`marketplace:*` keys). */
export async function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  settings = resolveSettings((key) => req.config.get(key));
}

/** Where progress lines go. Tests and embedders may redirect them; the default is stdout. */
export function setPrinter(printer: Printer): void {
  print = printer;
}

export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  return checkInputs(news);
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const { changes, replaces, deleteBeforeReplace } = diffInputs(olds, news);
  return { changes, replaces, deleteBeforeReplace };
}

export async function create(inputs: CancellationInputs): Promise<{ id: string; outs: CancellationOutputs }> {
  const id = `${inputs.publisherId}/${inputs.offerId}/${randomUUID()}`;
  const ctx = context(inputs);
  if (inputs.when === "destroy") {
    // Nothing is cancelled now. One read proves the ids and the credentials work, so a typo
    // fails this `up` instead of surfacing months later at `destroy`.
    const running = await newestRunning(ctx, inputs);
    const outs = echo(inputs, {
      status: "scheduled",
      canceledOperation: undefined,
      message: `Will cancel whatever runs on ${inputs.publisherId}/${inputs.offerId} when this resource is deleted${running ? ` (now running: ${running.id})` : ""}.`,
    });
    print(`${ctx.subject}: ${outs.message}`);
    return { id, outs };
  }
  return { id, outs: await cancelNow(id, inputs, ctx, "create") };
}

export async function update(
  id: string,
  olds: CancellationOutputs,
  news: CancellationInputs,
): Promise<{ outs: CancellationOutputs }> {
  if (olds.status === "pending") {
    const ctx = context(news);
    const base = echo(news, pick(olds));
    print(
      `${ctx.subject}: resuming the wait for the cancellation requested at ${olds.requestedAt} (no new cancel is sent).`,
    );
    return {
      outs: await waitAndFinish(id, base, ctx, {
        phase: "update",
        resuming: true,
        provider: providerOf(news),
      }),
    };
  }
  // Settings changed (emails, timeouts, endpoint, ...): record them. The cancellation is done.
  return { outs: echo(news, pick(olds)) };
}

export async function read(
  id: string,
  props: CancellationOutputs,
): Promise<{ id: string; props: CancellationOutputs }> {
  if (!props.operationLocation) return { id, props };
  const ctx = context(props);
  const location = resolveOperationLocation(
    props.operationLocation,
    ctx.client.endpoint,
    ctx.client.apiVersion,
  );
  try {
    const { snapshot } = await ctx.client.getOperation(location);
    const next: CancellationOutputs = { ...props, operationStatus: snapshot.status.raw };
    if (
      props.status === "pending" &&
      (snapshot.status.status === "succeeded" || snapshot.status.status === "canceled")
    ) {
      next.status = snapshot.status.status;
      next.completedAt = new Date().toISOString();
      next.message = `The cancellation finished (${snapshot.status.raw}); seen by refresh.`;
    }
    return { id, props: next };
  } catch (err) {
    if (err instanceof HTTPError && err.status === 404) {
      print(
        `${ctx.subject}: warning: the operation ${props.operationLocation} no longer exists on the service; keeping the record.`,
      );
      return {
        id,
        props: {
          ...props,
          operationStatus: "notFound",
          message:
            "The cancellation operation is no longer listed by the service (it may have been cleaned up).",
        },
      };
    }
    throw err;
  }
}

export async function deleteResource(_id: string, props: CancellationOutputs): Promise<void> {
  const subject = subjectOf(props.publisherId, props.offerId);
  if (props.when !== "destroy") {
    print(
      `${subject}: removed from state only; a cancellation cannot be undone, so nothing is sent to the service.`,
    );
    return;
  }
  print(`${subject}: when is "destroy": cancelling now.`);
  const outs = await cancelNow(_id, props, context(props), "delete");
  print(`${subject}: ${outs.message}`);
}

interface Context {
  client: CppClient;
  credential: CredentialChoice;
  subject: string;
  endpoint: string;
}

function context(inputs: CancellationInputs): Context {
  const subject = subjectOf(inputs.publisherId, inputs.offerId);
  const endpoint = inputs.endpoint ?? configuredEndpoint();
  const retry = retryFromEnv();
  const timeoutMs = numberFromEnv("MARKETPLACE_REQUEST_TIMEOUT_MS");
  const onRetry = (info: {
    method: string;
    path: string;
    attempt: number;
    delayMs: number;
    reason: string;
  }) =>
    print(
      `${subject}: retry ${info.attempt} of ${info.method} ${info.path} in ${formatDuration(info.delayMs)}: ${info.reason}`,
    );
  const tokenHttp = new HttpClient({ retry, timeoutMs, onRetry });
  const credential = chooseCredential(settings, inputs.accessToken, tokenHttp);
  const client = new CppClient({
    endpoint,
    apiVersion: inputs.apiVersion ?? DEFAULT_API_VERSION,
    credential: credential.source,
    secrets: () => credential.secrets,
    retry,
    timeoutMs,
    onRetry,
  });
  return { client, credential, subject, endpoint };
}

function configuredEndpoint(): string {
  if (!settings.endpoint) return DEFAULT_ENDPOINT;
  const failures: CheckFailure[] = [];
  const endpoint = checkEndpoint(settings.endpoint, "marketplace:endpoint", (property, reason) =>
    failures.push({ property, reason }),
  );
  if (!endpoint) throw new CredentialError(failures.map((f) => f.reason).join(" "));
  return endpoint;
}

/**
 * The cancel itself: look at what runs, apply the guard, POST once, then wait. Also resumes a
 * wait found in the journal (an earlier process was killed after the service accepted the cancel).
 */
async function cancelNow(
  id: string,
  inputs: CancellationInputs,
  ctx: Context,
  phase: "create" | "delete",
): Promise<CancellationOutputs> {
  const key = journalKey({ ...inputs, endpoint: ctx.endpoint });
  const running = await newestRunning(ctx, inputs).catch((err: unknown) => {
    throw withNextStep(err, phase);
  });
  const inflight = readInflight(key);
  if (
    inflight &&
    inflight.endpoint === ctx.endpoint &&
    (!running || running.id === inflight.canceledOperationId)
  ) {
    print(
      `${ctx.subject}: a cancel sent at ${inflight.requestedAt} was interrupted before it was recorded; resuming its wait (no new cancel is sent).`,
    );
    const base = echo(inputs, fromInflight(inflight, running));
    return waitAndFinish(id, base, ctx, {
      phase,
      resuming: true,
      journalKey: key,
      provider: providerOf(inputs),
    });
  }
  if (inflight) clearInflight(key);

  const canceledOperation: CanceledOperation | undefined = running
    ? { id: running.id, submissionType: running.submissionType, slot: running.slot, state: running.state }
    : undefined;
  if (inputs.expectedOperationId && running?.id !== inputs.expectedOperationId) {
    const seen = running
      ? `the running operation is ${running.id} (${running.submissionType ?? "operation"}${running.slot ? `, slot ${running.slot}` : ""})`
      : "nothing is running";
    throw new CancellationError(
      `expectedOperationId guard: ${seen} on ${inputs.publisherId}/${inputs.offerId}, not ${inputs.expectedOperationId}; nothing was cancelled. ` +
        "Update expectedOperationId to the operation you mean to stop, or remove it to cancel whatever runs.",
    );
  }
  if (!running) {
    if (inputs.ifNothingToCancel === "fail") {
      throw new CancellationError(
        `Nothing is running on offer ${inputs.publisherId}/${inputs.offerId}, so there is nothing to cancel (ifNothingToCancel is "fail"). ` +
          'Set ifNothingToCancel: "succeed" to accept this.',
      );
    }
    const message = `Nothing was running on ${inputs.publisherId}/${inputs.offerId}; no cancel was sent.`;
    print(`${ctx.subject}: ${message}`);
    return echo(inputs, {
      status: "nothingToCancel",
      completedAt: new Date().toISOString(),
      message,
      operationStatus: undefined,
    });
  }

  print(`${ctx.subject}: cancelling ${canceledOperation?.submissionType ?? "operation"} ${running.id}.`);
  const base = await sendCancel(ctx, inputs, canceledOperation as CanceledOperation, key, phase);
  return waitAndFinish(id, base, ctx, {
    phase,
    resuming: false,
    journalKey: key,
    provider: providerOf(inputs),
  });
}

/**
 * Sends the cancel, once, and returns the pending state to wait on. The journal entry is written
 * before sending: if the answer is lost (timeout, cut connection, unreadable body, a gateway 5xx),
 * the service may have acted, so no second cancel is sent right away. The entry and the state
 * then have no `httpStatus`, and the wait watches the submissions list; only if the operation is
 * still running {@link confirmWindowMs} after this cancel is it sent again (see waitAndFinish).
 */
async function sendCancel(
  ctx: Context,
  inputs: CancellationInputs,
  canceledOperation: CanceledOperation,
  key: string,
  phase: Phase,
): Promise<CancellationOutputs> {
  const requestedAt = new Date().toISOString();
  const entry: InflightCancellation = {
    endpoint: ctx.endpoint,
    publisherId: inputs.publisherId,
    offerId: inputs.offerId,
    canceledOperationId: canceledOperation.id,
    requestedAt,
  };
  writeInflight(key, entry);
  let res: CancelResponse | undefined;
  try {
    res = await ctx.client.cancel(inputs.publisherId, inputs.offerId, {
      notificationEmails: inputs.notificationEmails,
    });
  } catch (err) {
    if (err instanceof UnsafeLocationError && err.acceptedStatus === 202) {
      // Accepted all the same: the token is not sent to that location; watch the list instead.
      print(`${ctx.subject}: warning: ${err.message} Watching the submissions list instead.`);
      res = { httpStatus: 202 };
    } else if (mayHaveReachedService(err)) {
      print(
        `${ctx.subject}: no usable answer to the cancel (${(err as Error).message}) It may have reached the service, so it is not sent again unless ${canceledOperation.id} is still running ${formatDuration(confirmWindowMs())} after it was sent; watching the submissions list.`,
      );
    } else {
      clearInflight(key);
      throw withNextStep(err, phase);
    }
  }
  const location = res?.location?.href;
  if (res) {
    writeInflight(key, { ...entry, httpStatus: res.httpStatus, operationLocation: location });
    print(
      `${ctx.subject}: the service answered ${res.httpStatus}${location ? `; watching ${res.location?.pathname}` : res.httpStatus === 202 ? " without a location; watching the submissions list" : "; confirming through the submissions list"}.`,
    );
  }
  return echo(inputs, {
    status: "pending",
    httpStatus: res?.httpStatus,
    operationLocation: location,
    cancellationOperationId: location ? operationIdOf(res?.location as URL) : undefined,
    canceledOperation,
    requestedAt,
  });
}

/**
 * True when a failed cancel POST may still have been acted on: it was sent and no answer proves it
 * was refused. 429, 503, 4xx and "never sent" are proof; a lost, cut or unreadable answer is not,
 * and neither is a 5xx from a gateway or a server that failed half-way.
 */
function mayHaveReachedService(err: unknown): boolean {
  if (err instanceof TimeoutError || err instanceof ResponseError) return true;
  if (err instanceof NetworkError) return !err.requestNotSent;
  if (err instanceof HTTPError) return err.status >= 500 && ![501, 503, 505].includes(err.status);
  return false;
}

/** How long an unanswered cancel gets to show its effect before it is sent again (cpp-api.md §1: 1–3 min). */
function confirmWindowMs(): number {
  return numberFromEnv("MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS") ?? 5 * 60 * 1000;
}

/**
 * Adds what to do next to a transient failure that happened before the service accepted any
 * cancel (throttling beyond the retries, 5xx, network, garbled answers). Other errors (403, 404,
 * credentials, guards) already say what to fix.
 */
function withNextStep(err: unknown, phase: Phase): unknown {
  const transient =
    err instanceof NetworkError ||
    err instanceof TimeoutError ||
    err instanceof ResponseError ||
    (err instanceof HTTPError && (err.status === 408 || err.status === 429 || err.status >= 500));
  if (transient) {
    (err as Error).message +=
      ` The service did not take the cancel, so nothing was cancelled; run \`pulumi ${phase === "delete" ? "destroy" : "up"}\` again to retry.`;
  }
  return err;
}

/**
 * Polls until the cancellation is final. A timeout or any other failure of the wait turns into
 * {@link ResourceInitFailedError} (create/update) so the engine records the pending state and the
 * next `up` resumes here: a cancel the service accepted is never forgotten.
 */
async function waitAndFinish(
  id: string,
  base: CancellationOutputs,
  ctx: Context,
  opts: { phase: Phase; resuming: boolean; journalKey?: string; provider?: unknown },
): Promise<CancellationOutputs> {
  const key = opts.journalKey ?? journalKey({ ...base, endpoint: ctx.endpoint });
  const deadline = Date.now() + base.timeoutSeconds * 1000;
  let resuming = opts.resuming;
  // The service dropped the operation behind the Location (404): the submissions list still tells
  // whether what we cancelled has stopped, so the wait goes on there instead of failing forever.
  let locationVanished = false;
  let outcome;
  for (;;) {
    // A cancel whose answer was lost (no httpStatus) gets a window to show its effect.
    const confirmBy =
      base.httpStatus === undefined && base.requestedAt
        ? Date.parse(base.requestedAt) + confirmWindowMs()
        : Number.POSITIVE_INFINITY;
    try {
      outcome = await pollUntilDone(watchFor(base, ctx, locationVanished), {
        timeoutMs: Math.max(0, Math.min(deadline, confirmBy) - Date.now()),
        minIntervalMs: base.pollIntervalSeconds.min * 1000,
        maxIntervalMs: base.pollIntervalSeconds.max * 1000,
        initialDelayMs: base.httpStatus === 200 || resuming ? 0 : undefined,
        what: `the cancellation of ${base.publisherId}/${base.offerId}`,
        onProgress: (p) => print(progressLine(ctx.subject, p)),
      });
      break;
    } catch (err) {
      if (err instanceof OperationTimeoutError && Date.now() >= confirmBy && Date.now() < deadline) {
        print(
          `${ctx.subject}: ${base.canceledOperation?.id} is still running ${formatDuration(confirmWindowMs())} after the cancel whose answer was lost, so that cancel did not take effect; sending it again.`,
        );
        base = await sendCancel(ctx, base, base.canceledOperation as CanceledOperation, key, opts.phase);
        resuming = false;
        continue;
      }
      if (err instanceof HTTPError && err.status === 404 && base.operationLocation && !locationVanished) {
        print(
          `${ctx.subject}: warning: the operation ${base.operationLocation} no longer exists; watching the submissions list instead.`,
        );
        locationVanished = true;
        base = { ...base, operationStatus: "notFound" };
        resuming = true;
        continue;
      }
      throw waitFailure(err, id, base, key, opts);
    }
  }
  const state = outcome.state;
  if (state.status === "failed") {
    clearInflight(key);
    const why = state.errors.length ? ` The service said: ${state.errors.join(" | ")}` : "";
    throw new CancellationError(
      `The cancellation of ${base.publisherId}/${base.offerId} failed (${state.rawStatus}) after ${formatDuration(outcome.elapsedMs)}.${why} ` +
        `The operation may still be running; check the offer in Partner Center, then ${NEXT_STEP_AFTER_FAILURE[opts.phase]}`,
    );
  }
  clearInflight(key);
  const status = state.status === "canceled" ? "canceled" : "succeeded";
  const message = `Cancellation ${status} after ${formatDuration(outcome.elapsedMs)} (${outcome.pollCount} status request${outcome.pollCount === 1 ? "" : "s"}).`;
  print(`${ctx.subject}: ${message}`);
  return {
    ...base,
    status,
    operationStatus: state.rawStatus,
    completedAt: new Date().toISOString(),
    message,
  };
}

/**
 * What a failed wait throws. create/update: the pending state, so that the engine records it and
 * the next `up` resumes — after a timeout, and equally after a restart of the service, an expired
 * token or garbled answers: a cancel that was sent must never be forgotten. delete: the error.
 */
function waitFailure(
  err: unknown,
  id: string,
  base: CancellationOutputs,
  key: string,
  opts: { phase: Phase; provider?: unknown },
): unknown {
  const timeout = err instanceof OperationTimeoutError;
  if (opts.phase === "delete") {
    return timeout
      ? new OperationTimeoutError(
          `${err.message} Run \`pulumi destroy\` again to resume waiting (no second cancel is sent), or raise timeoutSeconds.`,
          err.lastStatus,
        )
      : err;
  }
  const detail = err instanceof Error ? err.message : String(err);
  const message = timeout
    ? detail
    : `Waiting for the cancellation of ${base.publisherId}/${base.offerId} was interrupted: ${detail}`;
  const next =
    base.httpStatus === undefined
      ? `The cancel may have reached the service (its answer was lost) and is recorded as pending; run \`pulumi up\` again to resume waiting (the cancel is sent again only if the operation is still running ${formatDuration(confirmWindowMs())} after the first)`
      : "The cancel was accepted by the service and is recorded as pending; run `pulumi up` again to resume waiting (no second cancel is sent)";
  const pending: CancellationOutputs = {
    ...base,
    status: "pending",
    operationStatus: timeout ? err.lastStatus : base.operationStatus,
    message,
  };
  // State now holds the pending wait; the journal entry is no longer needed.
  clearInflight(key);
  return new ResourceInitFailedError(
    id,
    pending,
    [`${message} ${next}${timeout ? ", or raise timeoutSeconds" : ""}.`],
    opts.provider,
  );
}

const NEXT_STEP_AFTER_FAILURE: Record<Phase, string> = {
  create: "run `pulumi up` to try again (a new cancel is sent).",
  // The resource is recorded as pending: another `up` would only read the same failure again.
  update: "change `triggers` to send a new cancel (a replacement), or remove the resource from the program.",
  delete: "run `pulumi destroy` again to send a new cancel.",
};

/** The serialized provider the runtime passed along with the inputs, if any. */
function providerOf(inputs: CancellationInputs): unknown {
  return (inputs as CancellationInputs & { __provider?: unknown }).__provider;
}

function watchFor(
  base: CancellationOutputs,
  ctx: Context,
  locationVanished = false,
): PollableOperation<CancellationState> {
  if (base.operationLocation && !locationVanished) {
    // Re-checked on every resume: the endpoint may have changed since the cancel was sent.
    return locationOperation(
      ctx.client,
      resolveOperationLocation(base.operationLocation, ctx.client.endpoint, ctx.client.apiVersion),
    );
  }
  return submissionWatchOperation(ctx.client, base.publisherId, base.offerId, base.canceledOperation?.id);
}

async function newestRunning(ctx: Context, inputs: CancellationInputs) {
  const list = await ctx.client.listSubmissions(inputs.publisherId, inputs.offerId, { status: "running" });
  // The filter is applied by the service, but older revisions ignored it: filter again.
  return list.find((s) => {
    const n = normalizeStatus(s.state);
    return n.status === "running" || n.status === "notStarted";
  });
}

function fromInflight(
  entry: InflightCancellation,
  running: { id: string; submissionType?: string; slot?: string; state: string } | undefined,
): Partial<CancellationOutputs> {
  return {
    status: "pending",
    httpStatus: entry.httpStatus,
    operationLocation: entry.operationLocation,
    cancellationOperationId: entry.operationLocation
      ? operationIdOf(new URL(entry.operationLocation))
      : undefined,
    canceledOperation: entry.canceledOperationId
      ? {
          id: entry.canceledOperationId,
          submissionType: running?.submissionType,
          slot: running?.slot,
          state: running?.state ?? "running",
        }
      : undefined,
    requestedAt: entry.requestedAt,
  };
}

/** The last path segment: a GUID, or `publisher$offer$version$slot` for non-migrated offers. */
export function operationIdOf(location: URL): string {
  const last = location.pathname.split("/").filter(Boolean).pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The results part of recorded outputs (everything but the echoed inputs). */
function pick(olds: CancellationOutputs): Partial<CancellationOutputs> {
  const out: Partial<CancellationOutputs> = {};
  for (const k of RESULT_KEYS) if (olds[k] !== undefined) (out as Record<string, unknown>)[k] = olds[k];
  return out;
}

/**
 * Outputs = the normalized inputs + results. The access token is echoed only so `refresh` and
 * `destroy` can use it when nothing else is configured; the resource marks it secret.
 */
function echo(inputs: CancellationInputs, results: Partial<CancellationOutputs>): CancellationOutputs {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs))
    if (k !== "__provider" && !(RESULT_KEYS as readonly string[]).includes(k)) out[k] = v;
  // Nested undefineds too (e.g. a slot the service did not list): the runtime's protobuf Struct
  // rejects them ("Unexpected struct type") and the engine would record nothing.
  for (const [k, v] of Object.entries(results))
    out[k] = v && typeof v === "object" ? JSON.parse(JSON.stringify(v)) : v;
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as unknown as CancellationOutputs;
}

function retryFromEnv(): Partial<RetryOptions> {
  const out: Partial<RetryOptions> = {};
  const retries = numberFromEnv("MARKETPLACE_RETRIES");
  const base = numberFromEnv("MARKETPLACE_RETRY_BASE_DELAY_MS");
  if (retries !== undefined) out.retries = retries;
  if (base !== undefined) out.baseDelayMs = base;
  return out;
}

function numberFromEnv(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
