// Wire shapes of the CPP API: how offers, operations, submissions and Location headers look on the
// wire (docs/cpp-api.md §1–§4), including the per-offer quirks (vocabulary, array bodies, legacy headers).
// Pure functions of the state; no HTTP here.

import type { DerivedMessage, Evaluation, OperationRecord, Phase, StepPhase } from "./operation";
import type { CppState, Offer } from "./state";
import type { LocationHeaderMode, Vocabulary } from "./seed";

export const API_VERSION = "2017-10-31";
export const OFFER_TYPE_ID = "microsoft-azure-virtualmachines";

type JsonObject = Record<string, unknown>;

const enc = encodeURIComponent;

/** The wire word for a phase: the success word differs between pages and reality (docs/cpp-api.md §2). */
export function statusWord(phase: Phase | StepPhase, vocabulary: Vocabulary): string {
  return phase === "succeeded" ? vocabulary : phase;
}

export function submissionTypeWord(op: OperationRecord): string {
  return op.kind === "cancellation" ? "cancel" : op.kind;
}

/** Relative URL of an operation in the form the offer's migration status dictates, with api-version. */
export function operationPath(offer: Offer, op: OperationRecord, state: CppState): string {
  if (offer.config.pcMigrationStatus === "none") {
    // `$` stays literal: clients must keep it as received (docs/cpp-api.md §1).
    const [p, o, n, slot] = state.legacyId(op).split("$");
    return `/api/operations/${enc(p)}$${enc(o)}$${n}$${slot}?api-version=${API_VERSION}`;
  }
  return `/api/publishers/${enc(op.publisherId)}/offers/${enc(op.offerId)}/operations/${op.id}?api-version=${API_VERSION}`;
}

/** Headers that announce a new operation on a 202, per the offer's locationHeader quirk. */
export function locationHeaders(
  mode: LocationHeaderMode,
  offer: Offer,
  op: OperationRecord,
  state: CppState,
  baseUrl: string,
): Record<string, string> {
  switch (mode) {
    case "location":
      return { Location: operationPath(offer, op, state) };
    case "operation-location-absolute":
      // The 2018 service: absolute, and without api-version (clients must add it back).
      return {
        "Operation-Location": `${baseUrl}/api/publishers/${enc(op.publisherId)}/offers/${enc(op.offerId)}/operations/${op.id}`,
      };
    case "none":
      return {};
  }
}

function renderMessages(messages: DerivedMessage[], clockIso: (ms: number) => string): JsonObject[] {
  return messages.map((m) => ({ messageHtml: m.text, level: m.level, timestamp: clockIso(m.at) }));
}

export function humanDuration(ms: number): string {
  const minutes = ms / 60000;
  if (minutes < 1) return "< 1 min";
  if (minutes < 60) return `< ${Math.ceil(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 24) return `< ${Math.ceil(hours)} hour${Math.ceil(hours) === 1 ? "" : "s"}`;
  const days = Math.ceil(hours / 24);
  return `< ${days} day${days === 1 ? "" : "s"}`;
}

function links(
  offer: Offer,
  op: OperationRecord,
  ev: Evaluation,
): { previewLinks: JsonObject[]; liveLinks: JsonObject[] } {
  const base = `https://azuremarketplace.microsoft.com/marketplace/apps/${enc(offer.publisherId)}.${enc(offer.offerId)}`;
  const done = ev.phase === "succeeded";
  return {
    previewLinks:
      done && op.kind === "publish" ? [{ displayText: "Preview", uri: `${base}-preview?tab=Overview` }] : [],
    liveLinks: done && op.kind === "golive" ? [{ displayText: "Live", uri: `${base}?tab=Overview` }] : [],
  };
}

export function renderSteps(
  ev: Evaluation,
  vocabulary: Vocabulary,
  iso: (ms: number) => string,
): JsonObject[] {
  return ev.steps.map((s) => ({
    id: s.plan.id,
    stepName: s.plan.stepName,
    description: s.plan.description,
    estimatedTimeFrame: humanDuration(s.endsAt - s.startsAt),
    status: statusWord(s.phase, vocabulary),
    messages: renderMessages(s.messages, iso),
    progressPercentage: s.progress,
  }));
}

/** GET operation body (unwrapped; see operationBody for the array quirk). */
export function renderOperation(
  state: CppState,
  offer: Offer,
  op: OperationRecord,
  iso: (ms: number) => string,
): JsonObject {
  const ev = state.evaluate(op);
  const vocabulary = offer.config.vocabulary;
  const inFlight = ev.phase === "notStarted" || ev.phase === "running";
  const body: JsonObject = {
    id: op.id,
    submissionType: submissionTypeWord(op),
    publisherId: op.publisherId,
    offerId: op.offerId,
    status: statusWord(ev.phase, vocabulary),
    messages: renderMessages(ev.messages, iso),
    publishingVersion: op.publishingVersion,
    offerVersion: op.offerVersion,
  };
  // The only value ever documented; it disappears once there is nothing left to cancel.
  if (inFlight && op.kind !== "cancellation") body.cancellationRequestState = "canCancel";
  body.steps = renderSteps(ev, vocabulary, iso);
  Object.assign(body, links(offer, op, ev));
  // Migrated offers no longer report notificationEmails (mail goes to the seller contact).
  if (offer.config.pcMigrationStatus !== "migrated") body.notificationEmails = op.emails.join(",");
  return body;
}

export function operationBody(
  state: CppState,
  offer: Offer,
  op: OperationRecord,
  iso: (ms: number) => string,
): unknown {
  const body = renderOperation(state, offer, op, iso);
  return offer.config.arrayBody ? [body] : body;
}

/** .NET ticks, the unit of the `version` field in the reference example (636576975611768314). */
function ticks(ms: number): number {
  return ms * 10000 + 621355968000000000;
}

/** A submissions list item, in both spellings the reference uses (docs/cpp-api.md §3). */
export function renderSubmission(
  state: CppState,
  offer: Offer,
  op: OperationRecord,
  iso: (ms: number) => string,
): JsonObject {
  const ev = state.evaluate(op);
  const submissionState =
    ev.phase === "notStarted" || ev.phase === "running"
      ? "running"
      : statusWord(ev.phase, offer.config.vocabulary);
  const started = ev.steps.filter((s) => s.messages.length > 0).map((s) => s.startsAt);
  const changed = ev.endedAt ?? Math.max(op.startedAt, ...started);
  const item: JsonObject = {
    id: op.id,
    offerId: op.offerId,
    offerVersion: op.offerVersion,
    offerTypeId: OFFER_TYPE_ID,
    publisherId: op.publisherId,
    submissionType: submissionTypeWord(op),
    submissionState,
    publishingVersion: op.publishingVersion,
    slot: op.slot,
    version: ticks(changed),
    definition: { metadata: { emails: op.emails.join(",") } },
    changedTime: iso(changed),
    status: submissionState,
    createdDateTime: iso(op.startedAt),
    lastActionDateTime: iso(changed),
  };
  if (ev.phase === "failed") item.error = ev.messages.map((m) => m.text).join(" ");
  return item;
}

export function renderOffer(state: CppState, offer: Offer, iso: (ms: number) => string): JsonObject {
  const { status, latest } = state.offerStatus(offer);
  return {
    offerTypeId: OFFER_TYPE_ID,
    publisherId: offer.publisherId,
    id: offer.offerId,
    version: offer.offerVersion,
    status,
    pcMigrationStatus: offer.config.pcMigrationStatus,
    isvUpgradeRequest: false,
    definition: { displayText: offer.offerId, offer: {}, plans: [] },
    changedTime: iso(latest?.startedAt ?? state.now()),
  };
}

export function renderOfferStatus(state: CppState, offer: Offer, iso: (ms: number) => string): JsonObject {
  const { status, latest } = state.offerStatus(offer);
  if (latest === undefined) {
    return { status, messages: [], steps: [], previewLinks: [], liveLinks: [] };
  }
  const ev = state.evaluate(latest);
  const body: JsonObject = {
    status,
    messages: renderMessages(ev.messages, iso),
    steps: renderSteps(ev, offer.config.vocabulary, iso),
    ...links(offer, latest, ev),
  };
  if (offer.config.pcMigrationStatus !== "migrated") body.notificationEmails = latest.emails.join(",");
  return body;
}
