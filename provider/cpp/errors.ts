/**
 * The failures particular to cancelling what runs on an offer, one class per case, with literal
 * names (the pattern of `../core/errors.ts`, whose base class they extend, and of
 * `../ingestion/errors.ts`). The texts are composed in `texts.ts`; each says what happened to the
 * offer, names the property to change, and the fix.
 */
import { MarketplaceError } from "../core/errors";

/**
 * Base of the three cases below: the cancellation did not end as declared. Callers that only
 * care that it did not may branch on this class; the subclasses say why.
 */
export class CancellationError extends MarketplaceError {
  override readonly name: string = "CancellationError";
  readonly publisherId: string;
  readonly offerId: string;

  constructor(message: string, offer: { publisherId: string; offerId: string }) {
    super(message);
    this.publisherId = offer.publisherId;
    this.offerId = offer.offerId;
  }
}

/** The `expectedOperationId` guard: another operation runs (or none does); nothing was cancelled. */
export class GuardMismatchError extends CancellationError {
  override readonly name = "GuardMismatchError";
  constructor(
    message: string,
    offer: { publisherId: string; offerId: string },
    readonly expectedOperationId: string,
    /** The operation running when the guard was checked; undefined when nothing ran. */
    readonly runningOperationId: string | undefined,
  ) {
    super(message, offer);
  }
}

/** Nothing ran on the offer and `ifNothingToCancel` is `"fail"`. */
export class NothingToCancelError extends CancellationError {
  override readonly name = "NothingToCancelError";
}

/** The service says the cancellation itself failed; the operation may still be running. */
export class CancellationFailedError extends CancellationError {
  override readonly name = "CancellationFailedError";
  /** The cancellation operation's final status, as the service spelled it. */
  readonly operationStatus: string;
  /** The error-level step messages the service gave (sanitized). */
  readonly serviceErrors: readonly string[];

  constructor(
    message: string,
    offer: { publisherId: string; offerId: string },
    outcome: { rawStatus: string; errors: readonly string[] },
  ) {
    super(message, offer);
    this.operationStatus = outcome.rawStatus;
    this.serviceErrors = outcome.errors;
  }
}
