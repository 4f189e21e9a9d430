// The implementation of `Emulator.cpp` (./api.ts) over the CPP state: test-facing snapshots
// (./views.ts) and the same state changes the routes make, without auth.

import type { CppEmulator } from "./api";
import { offerNotFound } from "./errors";
import { parseOfferConfig, type OfferConfigPatch } from "./seed";
import type { CppCore, Offer } from "./state";
import { offerView, operationView, type OfferView, type OperationView } from "./views";

export class CppControl implements CppEmulator {
  constructor(private readonly core: CppCore) {}

  configureOffer(publisherId: string, offerId: string, patch: OfferConfigPatch): void {
    this.core.state.configure(publisherId, offerId, parseOfferConfig(patch, "patch"));
  }

  startOperation(
    publisherId: string,
    offerId: string,
    kind: "publish" | "golive",
    durationSeconds?: number,
  ): OperationView {
    const offer = this.requireOffer(publisherId, offerId);
    const op = this.core.state.startSubmission(offer, kind, { durationSeconds, queued: true });
    return operationView(this.core, offer, op);
  }

  getOffer(publisherId: string, offerId: string): OfferView {
    return offerView(this.core, this.requireOffer(publisherId, offerId));
  }

  getOperation(operationId: string): OperationView | undefined {
    const op = this.core.state.operation(operationId);
    const offer = op && this.core.state.offer(op.publisherId, op.offerId);
    return op && offer ? operationView(this.core, offer, op) : undefined;
  }

  deleteOperation(operationId: string): void {
    this.core.state.deleteOperation(operationId);
  }

  private requireOffer(publisherId: string, offerId: string): Offer {
    const offer = this.core.state.offer(publisherId, offerId);
    if (offer === undefined) throw offerNotFound(publisherId, offerId);
    return offer;
  }
}
