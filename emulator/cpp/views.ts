// Test-facing snapshots of operations and offers (getOffer, getOperation, the admin API). They
// expose what the CPP API hides — what a cancellation targets, when an operation was canceled and
// by what, the offer's event history — so tests can assert on the emulator's ground truth rather
// than only on what a client could observe.

import type { OperationKind, OperationRecord, Slot } from "./operation";
import { operationPath, renderOperation, statusWord } from "./render";
import type { ResolvedOfferConfig } from "./seed";
import type { CppCore, Offer } from "./state";

export interface OperationView {
  id: string;
  kind: OperationKind;
  publisherId: string;
  offerId: string;
  /** As GET operation would report it: notStarted | running | complete|completed | canceled | failed. */
  status: string;
  /** Relative URL a Location header carries for this operation (form per pcMigrationStatus). */
  location: string;
  /** `publisher$offer$publishingVersion$slot`, the id of the non-migrated form. */
  legacyId: string;
  publishingVersion: number;
  offerVersion: number;
  slot: Slot;
  notificationEmails: string[];
  /** Emulated ISO times. */
  startedAt: string;
  /** When it finishes on its own unless canceled. */
  plannedEndAt: string;
  /** When it reached its terminal status; absent while in flight. */
  endedAt?: string;
  /** publish/golive that was canceled: the cancellation operation that did it (absent for sync cancels). */
  canceledBy?: string;
  /** cancellation: the operation it aims at; null when nothing was running. */
  cancels?: string | null;
  /** cancellation, once finished: canceled | nothingToCancel | alreadyFinished | alreadyCanceled | failed. */
  outcome?: string;
  /** The exact object GET operation returns (unwrapped even when the offer uses arrayBody). */
  api: Record<string, unknown>;
}

export interface OfferHistoryEntry {
  /** Emulated ISO time. */
  at: string;
  /** e.g. publishStarted, cancelRequested, nothingToCancel, operationCanceled, cancellationSucceeded. */
  event: string;
  operationId?: string;
  message: string;
}

export interface OfferView {
  publisherId: string;
  offerId: string;
  config: ResolvedOfferConfig;
  /** As GET …/status reports it: neverPublished | notStarted | running | succeeded | canceled | failed. */
  status: string;
  /** The publish/golive in flight, if any. */
  currentOperation?: OperationView;
  /** Every visible operation, oldest first, cancellation operations included. */
  operations: OperationView[];
  history: OfferHistoryEntry[];
}

export function operationView(core: CppCore, offer: Offer, op: OperationRecord): OperationView {
  const ev = core.state.evaluate(op);
  const iso = (ms: number) => core.clock.iso(ms);
  const view: OperationView = {
    id: op.id,
    kind: op.kind,
    publisherId: op.publisherId,
    offerId: op.offerId,
    status: statusWord(ev.phase, offer.config.vocabulary),
    location: operationPath(offer, op, core.state),
    legacyId: core.state.legacyId(op),
    publishingVersion: op.publishingVersion,
    offerVersion: op.offerVersion,
    slot: op.slot,
    notificationEmails: [...op.emails],
    startedAt: iso(op.startedAt),
    plannedEndAt: iso(op.startedAt + op.durationMs),
    api: renderOperation(core.state, offer, op, iso),
  };
  if (ev.endedAt !== undefined) view.endedAt = iso(ev.endedAt);
  if (ev.canceledBy !== undefined) view.canceledBy = ev.canceledBy;
  if (op.kind === "cancellation") view.cancels = op.targetId ?? null;
  if (ev.outcome !== undefined) view.outcome = ev.outcome;
  return view;
}

export function offerView(core: CppCore, offer: Offer): OfferView {
  const current = core.state.inFlight(offer);
  const view: OfferView = {
    publisherId: offer.publisherId,
    offerId: offer.offerId,
    config: { ...offer.config },
    status: core.state.offerStatus(offer).status,
    operations: offer.operations.filter((op) => !op.deleted).map((op) => operationView(core, offer, op)),
    history: core.state.history(offer).map((h) => {
      const entry: OfferHistoryEntry = { at: core.clock.iso(h.at), event: h.event, message: h.message };
      if (h.operationId !== undefined) entry.operationId = h.operationId;
      return entry;
    }),
  };
  if (current !== undefined) view.currentOperation = operationView(core, offer, current);
  return view;
}
