// The programmatic interface of the CPP part of an emulator (`Emulator.cpp`): drive and inspect
// publishers, offers and their operations. The same operations are served over HTTP under
// /_emulator/offers/ and /_emulator/operations/ (./admin.ts).

import type { OfferConfigPatch } from "./seed";
import type { OfferView, OperationView } from "./views";

export interface CppEmulator {
  /**
   * Creates the publisher/offer when missing. Takes a Partial<OfferConfig>; a property set to null
   * resets that setting to its default.
   */
  configureOffer(publisherId: string, offerId: string, patch: OfferConfigPatch): void;
  /** Same as POST publish/golive, without auth. Throws (409 OperationInProgress) if one is running. */
  startOperation(
    publisherId: string,
    offerId: string,
    kind: "publish" | "golive",
    durationSeconds?: number,
  ): OperationView;
  /** Throws for an unknown offer. */
  getOffer(publisherId: string, offerId: string): OfferView;
  getOperation(operationId: string): OperationView | undefined;
  /** The operation vanishes: subsequent GETs answer 404. Throws for an unknown id. */
  deleteOperation(operationId: string): void;
}
