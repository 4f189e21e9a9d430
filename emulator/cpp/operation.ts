// One operation's life, derived from the emulated clock.
//
// An OperationRecord only stores facts fixed when something happened (when it started, how long it
// runs, which cancellations target it). Its status, step states, progress and messages are computed
// from those facts and "now" on every read (evaluate). Because nothing is stored that time could
// make stale, advancing the clock or running it faster needs no bookkeeping and leaks no timers.

export type OperationKind = "publish" | "golive" | "cancellation";
export type Slot = "preview" | "production";

/** Normalized phase; the wire word for `succeeded` depends on the offer's vocabulary. */
export type Phase = "notStarted" | "running" | "succeeded" | "canceled" | "failed";
export type StepPhase = "notStarted" | "inProgress" | "succeeded" | "canceled" | "failed";
export type MessageLevel = "information" | "warning" | "error";

/** What a finished cancellation operation achieved. */
export type CancellationOutcome =
  "canceled" | "nothingToCancel" | "alreadyFinished" | "alreadyCanceled" | "failed";

export interface StepPlan {
  readonly id: string;
  readonly stepName: string;
  readonly description: string;
  /** Share of the operation's running time this step takes. */
  readonly weight: number;
}

export interface OperationRecord {
  readonly id: string;
  /** Creation order; breaks ties between operations started in the same millisecond. */
  readonly seq: number;
  readonly kind: OperationKind;
  readonly publisherId: string;
  readonly offerId: string;
  readonly startedAt: number;
  /** Time spent `notStarted` before the first step begins (part of durationMs). */
  readonly queuedMs: number;
  readonly durationMs: number;
  readonly publishingVersion: number;
  readonly offerVersion: number;
  readonly slot: Slot;
  readonly emails: readonly string[];
  readonly steps: readonly StepPlan[];
  /** publish/golive: set by a synchronous cancel. */
  syncCanceledAt?: number;
  /** publish/golive: ids of cancellation operations aimed at this one. */
  readonly cancellationIds: string[];
  /** cancellation: the operation it cancels; undefined when nothing was running. */
  readonly targetId?: string;
  /** cancellation: set when the offer was configured with failCancellation at request time. */
  readonly failMessage?: string;
  /** Removed through the admin API: invisible to the CPP routes (GET → 404). */
  deleted: boolean;
}

export interface DerivedMessage {
  text: string;
  level: MessageLevel;
  at: number;
}

export interface StepState {
  plan: StepPlan;
  phase: StepPhase;
  startsAt: number;
  endsAt: number;
  progress: number;
  messages: DerivedMessage[];
}

export interface Evaluation {
  phase: Phase;
  /** When the operation reached its terminal phase (undefined while in flight). */
  endedAt?: number;
  /** publish/golive that was canceled: the cancellation operation that did it (undefined if sync). */
  canceledBy?: string;
  /** cancellation operations once finished. */
  outcome?: CancellationOutcome;
  messages: DerivedMessage[];
  steps: StepState[];
}

export type Lookup = (id: string) => OperationRecord | undefined;

export const PUBLISH_STEPS: readonly StepPlan[] = [
  {
    id: "validate",
    stepName: "Validation",
    description: "Offer settings provided are validated.",
    weight: 0.1,
  },
  {
    id: "certify",
    stepName: "Certification",
    description: "Your offer is analyzed by our certification systems for issues.",
    weight: 0.4,
  },
  {
    id: "package",
    stepName: "Packaging",
    description: "Your offer is packaged for being shown to your customers.",
    weight: 0.2,
  },
  {
    id: "preview",
    stepName: "Preview creation",
    description: "Your offer is made available in the preview slot so you can review it before going live.",
    weight: 0.3,
  },
];

export const GOLIVE_STEPS: readonly StepPlan[] = [
  {
    id: "validate",
    stepName: "Validation",
    description: "Offer settings provided are validated.",
    weight: 0.1,
  },
  {
    id: "package",
    stepName: "Packaging",
    description: "Your offer is packaged and replicated to the production systems.",
    weight: 0.3,
  },
  {
    id: "live",
    stepName: "Live",
    description: "Offer is publicly visible and is available for purchase.",
    weight: 0.6,
  },
];

export const CANCELLATION_STEPS: readonly StepPlan[] = [
  {
    id: "cancel",
    stepName: "Cancellation",
    description: "The operation running on the offer is being canceled.",
    weight: 1,
  },
];

export function stepsFor(kind: OperationKind): readonly StepPlan[] {
  return kind === "publish" ? PUBLISH_STEPS : kind === "golive" ? GOLIVE_STEPS : CANCELLATION_STEPS;
}

export function naturalEnd(op: OperationRecord): number {
  return op.startedAt + op.durationMs;
}

/**
 * When (and by which cancellation) a publish/go-live gets canceled, if ever. The earliest
 * effective cancel wins; a cancel that would land after the operation finished on its own has no
 * effect (the operation completes and the cancellation reports it had nothing left to cancel).
 */
export function cancelEffect(op: OperationRecord, lookup: Lookup): { at: number; by?: string } | undefined {
  const end = naturalEnd(op);
  let best: { at: number; by?: string } | undefined =
    op.syncCanceledAt !== undefined ? { at: op.syncCanceledAt } : undefined;
  for (const id of op.cancellationIds) {
    const c = lookup(id);
    if (c === undefined || c.failMessage !== undefined) continue;
    const at = naturalEnd(c);
    if (best === undefined || at < best.at) best = { at, by: c.id };
  }
  return best !== undefined && best.at < end ? best : undefined;
}

export function evaluate(op: OperationRecord, now: number, lookup: Lookup): Evaluation {
  return op.kind === "cancellation"
    ? evaluateCancellation(op, now, lookup)
    : evaluateSubmission(op, now, lookup);
}

function stepWindows(op: OperationRecord): { startsAt: number; endsAt: number }[] {
  const activeStart = op.startedAt + op.queuedMs;
  const activeMs = Math.max(0, op.durationMs - op.queuedMs);
  const total = op.steps.reduce((sum, s) => sum + s.weight, 0) || 1;
  let cumulative = 0;
  return op.steps.map((s) => {
    const startsAt = activeStart + Math.round((activeMs * cumulative) / total);
    cumulative += s.weight;
    const endsAt = activeStart + Math.round((activeMs * cumulative) / total);
    return { startsAt, endsAt };
  });
}

function percent(from: number, to: number, at: number): number {
  if (to <= from) return at >= to ? 100 : 0;
  return Math.max(0, Math.min(99, Math.floor(((at - from) / (to - from)) * 100)));
}

function evaluateSubmission(op: OperationRecord, now: number, lookup: Lookup): Evaluation {
  const windows = stepWindows(op);
  const end = naturalEnd(op);
  const cancel = cancelEffect(op, lookup);
  let phase: Phase;
  let endedAt: number | undefined;
  if (cancel !== undefined && now >= cancel.at) {
    phase = "canceled";
    endedAt = cancel.at;
  } else if (now >= end) {
    phase = "succeeded";
    endedAt = end;
  } else {
    phase = now < op.startedAt + op.queuedMs ? "notStarted" : "running";
  }
  // Steps are judged at the moment the operation stopped, or now while it runs.
  const t = endedAt ?? now;
  let canceledStepSeen = false;
  const steps = op.steps.map((plan, i): StepState => {
    const { startsAt, endsAt } = windows[i];
    const messages: DerivedMessage[] = [];
    const started = startsAt <= t;
    if (started) messages.push({ text: "Step started.", level: "information", at: startsAt });
    if (phase === "succeeded" || endsAt <= t) {
      messages.push({ text: "Step completed.", level: "information", at: endsAt });
      return { plan, phase: "succeeded", startsAt, endsAt, progress: 100, messages };
    }
    if (phase === "canceled" && !canceledStepSeen) {
      // The step that was running (or about to run) when the cancel landed.
      canceledStepSeen = true;
      messages.push({ text: "Step canceled at the publisher's request.", level: "information", at: t });
      return {
        plan,
        phase: "canceled",
        startsAt,
        endsAt,
        progress: started ? percent(startsAt, endsAt, t) : 0,
        messages,
      };
    }
    if (started && phase !== "canceled") {
      return {
        plan,
        phase: "inProgress",
        startsAt,
        endsAt,
        progress: percent(startsAt, endsAt, t),
        messages,
      };
    }
    return { plan, phase: "notStarted", startsAt, endsAt, progress: 0, messages: [] };
  });
  const messages: DerivedMessage[] =
    phase === "canceled"
      ? [{ text: "The operation was canceled at the publisher's request.", level: "information", at: t }]
      : [];
  return { phase, endedAt, canceledBy: phase === "canceled" ? cancel?.by : undefined, messages, steps };
}

function evaluateCancellation(op: OperationRecord, now: number, lookup: Lookup): Evaluation {
  const end = naturalEnd(op);
  const target = op.targetId !== undefined ? lookup(op.targetId) : undefined;
  const requested: DerivedMessage = {
    text:
      target !== undefined
        ? `Cancellation of operation ${target.id} (${target.kind}) was requested.`
        : `Cancellation was requested, but no operation is running on offer ${op.offerId}.`,
    level: "information",
    at: op.startedAt,
  };
  const plan = op.steps[0];
  if (now < end) {
    return {
      phase: "running",
      messages: [],
      steps: [
        {
          plan,
          phase: "inProgress",
          startsAt: op.startedAt,
          endsAt: end,
          progress: percent(op.startedAt, end, now),
          messages: [requested],
        },
      ],
    };
  }
  let outcome: CancellationOutcome;
  let text: string;
  let level: MessageLevel = "information";
  if (op.failMessage !== undefined) {
    outcome = "failed";
    text = op.failMessage;
    level = "error";
  } else if (target === undefined) {
    outcome = "nothingToCancel";
    text = "There was no operation to cancel.";
  } else {
    const effect = cancelEffect(target, lookup);
    if (effect?.by === op.id) {
      outcome = "canceled";
      text = `Operation ${target.id} was canceled.`;
    } else if (effect !== undefined && effect.at <= end) {
      outcome = "alreadyCanceled";
      text = `Operation ${target.id} had already been canceled.`;
    } else {
      outcome = "alreadyFinished";
      text = `Operation ${target.id} finished before it could be canceled; nothing was canceled.`;
    }
  }
  const finished: DerivedMessage = { text, level, at: end };
  const failed = outcome === "failed";
  return {
    phase: failed ? "failed" : "succeeded",
    endedAt: end,
    outcome,
    messages: failed ? [finished] : [],
    steps: [
      {
        plan,
        phase: failed ? "failed" : "succeeded",
        startsAt: op.startedAt,
        endsAt: end,
        progress: 100,
        messages: [requested, finished],
      },
    ],
  };
}
