// The emulated CPP world: publishers, offers, their operations, and the rules that change them
// (start a publish/go-live, cancel, delete, reconfigure). Time-dependent state is never stored:
// see operation.ts, which derives it from the clock.

import { randomUUID } from "node:crypto";

import type { EmulatedClock } from "../core/clock";
import { badRequest } from "../core/errors";
import type { Core } from "../core/services";
import { checkId } from "../core/validate";
import { operationInProgress, operationNotFound } from "./errors";
import {
  OFFER_DEFAULTS,
  applyOfferPatch,
  type OfferConfigPatch,
  type PublisherConfig,
  type ResolvedOfferConfig,
  type SubmissionKind,
} from "./seed";
import {
  evaluate,
  stepsFor,
  type Evaluation,
  type Lookup,
  type OperationKind,
  type OperationRecord,
  type Slot,
} from "./operation";

/** The services the CPP routes and views read: the shared ones and this state. */
export interface CppCore extends Core {
  readonly state: CppState;
}

export interface HistoryEvent {
  /** Emulated epoch ms. */
  at: number;
  seq: number;
  event: string;
  operationId?: string;
  message: string;
}

export class Offer {
  config: ResolvedOfferConfig;
  nextPublishingVersion = 1;
  readonly offerVersion = 1;
  /** Creation order, including deleted and cancellation operations. */
  readonly operations: OperationRecord[] = [];
  /** Things that happened at request time; completions are derived (see CppState.history). */
  readonly events: HistoryEvent[] = [];

  constructor(
    readonly publisherId: string,
    readonly offerId: string,
    config: ResolvedOfferConfig,
  ) {
    this.config = config;
  }
}

export interface CancelResult {
  /** sync: canceled on the spot; async: a cancellation operation is under way; nothingToCancel: see docs/cpp-api.md §1. */
  kind: "sync" | "async" | "nothingToCancel";
  /** The operation that was running when the cancel arrived. */
  target?: OperationRecord;
  /** The cancellation operation (async and nothingToCancel). */
  cancellation?: OperationRecord;
}

export interface StartOptions {
  emails?: readonly string[];
  durationSeconds?: number;
  /** Spend a short `notStarted` phase first, as a freshly submitted operation does. */
  queued?: boolean;
}

/** How long a new publish/go-live reports `notStarted` before its first step begins. */
const MAX_QUEUED_MS = 1000;

export class CppState {
  private readonly publishers = new Map<string, Map<string, Offer>>();
  private readonly operations = new Map<string, OperationRecord>();
  /** `publisher$offer$publishingVersion$slot` → operation, for the non-migrated Location form. */
  private readonly legacyIds = new Map<string, OperationRecord>();
  private seq = 0;

  constructor(
    private readonly clock: EmulatedClock,
    publishers: Readonly<Record<string, PublisherConfig>> = {},
  ) {
    for (const [publisherId, publisher] of Object.entries(publishers)) {
      this.publishers.set(publisherId, new Map());
      for (const [offerId, config] of Object.entries(publisher.offers ?? {})) {
        const offer = this.ensureOffer(publisherId, offerId);
        offer.config = applyOfferPatch(OFFER_DEFAULTS, config);
        if (config.running) this.startSubmission(offer, config.running.submissionType, { queued: false });
      }
    }
  }

  /** Resolves any operation, deleted ones included (their effects on others remain). */
  readonly lookup: Lookup = (id) => this.operations.get(id);

  now(): number {
    return this.clock.now();
  }

  hasPublisher(publisherId: string): boolean {
    return this.publishers.has(publisherId);
  }

  publisherIds(): string[] {
    return [...this.publishers.keys()];
  }

  offers(publisherId: string): Offer[] {
    return [...(this.publishers.get(publisherId)?.values() ?? [])];
  }

  offer(publisherId: string, offerId: string): Offer | undefined {
    return this.publishers.get(publisherId)?.get(offerId);
  }

  /** Creates the publisher and offer when missing (admin configuration may add offers). */
  ensureOffer(publisherId: string, offerId: string): Offer {
    let offers = this.publishers.get(publisherId);
    if (offers === undefined) {
      checkId(publisherId, "publisherId");
      offers = new Map();
      this.publishers.set(publisherId, offers);
    }
    let offer = offers.get(offerId);
    if (offer === undefined) {
      checkId(offerId, "offerId");
      offer = new Offer(publisherId, offerId, { ...OFFER_DEFAULTS });
      offers.set(offerId, offer);
    }
    return offer;
  }

  /** A visible (not deleted) operation. */
  operation(id: string): OperationRecord | undefined {
    const op = this.operations.get(id);
    return op === undefined || op.deleted ? undefined : op;
  }

  operationByLegacyId(legacyId: string): OperationRecord | undefined {
    const op = this.legacyIds.get(legacyId);
    return op === undefined || op.deleted ? undefined : op;
  }

  legacyId(op: OperationRecord): string {
    return `${op.publisherId}$${op.offerId}$${op.publishingVersion}$${op.slot}`;
  }

  evaluate(op: OperationRecord, now: number = this.now()): Evaluation {
    return evaluate(op, now, this.lookup);
  }

  /** Visible publish/go-live operations, newest first. */
  submissions(offer: Offer): OperationRecord[] {
    return offer.operations.filter((op) => op.kind !== "cancellation" && !op.deleted).reverse();
  }

  /** The publish/go-live still in flight (notStarted or running); at most one exists per offer. */
  inFlight(offer: Offer, now: number = this.now()): OperationRecord | undefined {
    return this.submissions(offer).find((op) => {
      const phase = this.evaluate(op, now).phase;
      return phase === "notStarted" || phase === "running";
    });
  }

  /** Offer-level status as GET …/offers/{o}/status reports it, from the latest submission. */
  offerStatus(offer: Offer, now: number = this.now()): { status: string; latest?: OperationRecord } {
    const latest = this.submissions(offer)[0];
    if (latest === undefined) return { status: "neverPublished" };
    return { status: this.evaluate(latest, now).phase, latest };
  }

  startSubmission(offer: Offer, kind: SubmissionKind, options: StartOptions = {}): OperationRecord {
    const now = this.now();
    const running = this.inFlight(offer, now);
    if (running !== undefined) {
      throw operationInProgress(running.id, running.kind, offer.offerId);
    }
    const durationSeconds = options.durationSeconds ?? offer.config.operationSeconds;
    if (!Number.isFinite(durationSeconds) || durationSeconds < 0) {
      throw badRequest("durationSeconds must be a non-negative number");
    }
    const durationMs = durationSeconds * 1000;
    const op = this.createOperation(offer, {
      kind,
      startedAt: now,
      queuedMs: options.queued === false ? 0 : Math.min(MAX_QUEUED_MS, durationMs / 10),
      durationMs,
      slot: kind === "golive" ? "production" : "preview",
      emails: options.emails ?? [],
    });
    this.addEvent(
      offer,
      now,
      `${kind}Started`,
      op.id,
      `${kind} started (publishingVersion ${op.publishingVersion})`,
    );
    return op;
  }

  /**
   * POST …/cancel. With something in flight: sync mode cancels it on the spot; async mode creates
   * a cancellation operation that takes effect when it finishes. With nothing in flight the live
   * service still answers 202 (docs/cpp-api.md §1), so a cancellation operation that cancels nothing is
   * created regardless of the mode.
   */
  cancel(offer: Offer, emails: readonly string[]): CancelResult {
    const now = this.now();
    const target = this.inFlight(offer, now);
    const cfg = offer.config;
    const mailNote = emails.length > 0 ? ` (notification emails: ${emails.join(",")})` : "";
    if (target !== undefined && cfg.cancelMode === "sync") {
      target.syncCanceledAt = now;
      this.addEvent(
        offer,
        now,
        "cancelRequested",
        target.id,
        `synchronous cancel of ${target.kind} ${target.id}${mailNote}`,
      );
      return { kind: "sync", target };
    }
    const cancellation = this.createOperation(offer, {
      kind: "cancellation",
      startedAt: now,
      queuedMs: 0,
      durationMs: cfg.cancelSeconds * 1000,
      slot: target?.slot ?? "preview",
      emails,
      targetId: target?.id,
      failMessage: cfg.failCancellation?.message,
    });
    if (target !== undefined) {
      target.cancellationIds.push(cancellation.id);
      this.addEvent(
        offer,
        now,
        "cancelRequested",
        target.id,
        `asynchronous cancel of ${target.kind} ${target.id} by cancellation operation ${cancellation.id}${mailNote}`,
      );
      return { kind: "async", target, cancellation };
    }
    this.addEvent(
      offer,
      now,
      "nothingToCancel",
      cancellation.id,
      `cancel requested with no operation running; cancellation operation ${cancellation.id} cancels nothing${mailNote}`,
    );
    return { kind: "nothingToCancel", cancellation };
  }

  /** Makes an operation vanish from the API (GET → 404). Its past effects on others remain. */
  deleteOperation(id: string): void {
    const op = this.operation(id);
    if (op === undefined) throw operationNotFound(id);
    op.deleted = true;
    const offer = this.offer(op.publisherId, op.offerId);
    if (offer !== undefined)
      this.addEvent(offer, this.now(), "operationDeleted", op.id, `${op.kind} ${op.id} deleted`);
  }

  configure(publisherId: string, offerId: string, patch: OfferConfigPatch): Offer {
    const offer = this.ensureOffer(publisherId, offerId);
    offer.config = applyOfferPatch(offer.config, patch);
    const changed = Object.keys(patch).filter((k) => k !== "running");
    if (changed.length > 0)
      this.addEvent(offer, this.now(), "configured", undefined, `changed ${changed.join(", ")}`);
    // `running` is meant for seeds, but honouring it here too keeps configureOffer a superset.
    if (patch.running && this.inFlight(offer) === undefined) {
      this.startSubmission(offer, patch.running.submissionType, { queued: false });
    }
    return offer;
  }

  /** Recorded events plus completions derived from the clock, oldest first, up to now. */
  history(offer: Offer, now: number = this.now()): HistoryEvent[] {
    const derived: HistoryEvent[] = [];
    for (const op of offer.operations) {
      const ev = this.evaluate(op, now);
      if (ev.endedAt === undefined) continue;
      const message =
        op.kind === "cancellation"
          ? `cancellation ${op.id} ${ev.phase === "failed" ? "failed" : "finished"}: ${ev.outcome ?? ""}`
          : `${op.kind} ${op.id} ${ev.phase}` + (ev.canceledBy ? ` by cancellation ${ev.canceledBy}` : "");
      const event =
        op.kind === "cancellation"
          ? `cancellation${capitalize(ev.phase)}`
          : `operation${capitalize(ev.phase)}`;
      derived.push({ at: ev.endedAt, seq: op.seq, event, operationId: op.id, message });
    }
    return [...offer.events, ...derived].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private createOperation(
    offer: Offer,
    init: {
      kind: OperationKind;
      startedAt: number;
      queuedMs: number;
      durationMs: number;
      slot: Slot;
      emails: readonly string[];
      targetId?: string;
      failMessage?: string;
    },
  ): OperationRecord {
    const op: OperationRecord = {
      id: randomUUID(),
      seq: ++this.seq,
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      // Every operation (cancellations too) takes a fresh publishing version so that the
      // non-migrated `p$o$n$slot` id of each one is unique.
      publishingVersion: offer.nextPublishingVersion++,
      offerVersion: offer.offerVersion,
      steps: stepsFor(init.kind),
      cancellationIds: [],
      deleted: false,
      ...init,
      emails: [...init.emails],
    };
    offer.operations.push(op);
    this.operations.set(op.id, op);
    this.legacyIds.set(this.legacyId(op), op);
    return op;
  }

  private addEvent(
    offer: Offer,
    at: number,
    event: string,
    operationId: string | undefined,
    message: string,
  ): void {
    offer.events.push({ at, seq: ++this.seq, event, operationId, message });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
