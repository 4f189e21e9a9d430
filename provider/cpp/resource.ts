/**
 * `OfferOperationCancellation`: a declared cancellation of whatever publish or go-live runs on one
 * Azure Marketplace offer, through the Cloud Partner Portal API.
 */
import * as pulumi from "@pulumi/pulumi";
// `import = require`, not `import * as`: the resource must hand Pulumi the module's own exports
// object, which its closure serializer recognizes as a module and stores as one `require`.
import cancellationProvider = require("../dynamic/offerOperationCancellation");
import { MarketplaceResource, SharedArgs, typeTokenOf } from "../kit/resource";
import { OFFER_OPERATION_SPEC } from "./inputSpec";
import { CanceledOperation, OFFER_OPERATION_RESULT_KEYS, OfferOperationCancellationStatus } from "./outputs";

/** Its keys are inputSpec.ts's inputs (tests/unit/inputSpec.test.ts checks that at compile time). */
export interface OfferOperationCancellationArgs extends SharedArgs {
  /** Publisher id as shown in the Cloud Partner Portal, e.g. `contoso`. Changing it replaces the resource (a new cancel). */
  publisherId: pulumi.Input<string>;
  /** Offer id, e.g. `contoso-offer`. Changing it replaces the resource (a new cancel). */
  offerId: pulumi.Input<string>;
  /**
   * Who the service emails about the cancellation: a list, or one comma-separated string.
   * Ignored by the service for offers migrated to Partner Center (mail goes to the seller contact).
   * Changing it updates the record in place; no new cancel is sent.
   */
  notificationEmails?: pulumi.Input<pulumi.Input<string>[] | string>;
  /**
   * Guard: cancel only if the operation running on the offer has this id (as listed by the
   * submissions API); otherwise fail without cancelling. Changing it updates in place.
   */
  expectedOperationId?: pulumi.Input<string>;
  /** What to do when nothing is running: `"succeed"` (default, status `nothingToCancel`) or `"fail"`. Updates in place. */
  ifNothingToCancel?: pulumi.Input<"succeed" | "fail">;
}

const TYPE = "OfferOperationCancellation";
/** The type token the engine shows: `pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation`. */
export const OFFER_OPERATION_CANCELLATION_TYPE_TOKEN = typeTokenOf(TYPE);

export class OfferOperationCancellation extends MarketplaceResource {
  declare readonly publisherId: pulumi.Output<string>;
  declare readonly offerId: pulumi.Output<string>;
  declare readonly notificationEmails: pulumi.Output<string[]>;
  declare readonly expectedOperationId: pulumi.Output<string | undefined>;
  declare readonly ifNothingToCancel: pulumi.Output<"succeed" | "fail">;
  /** `succeeded` | `canceled` (the cancel worked), `nothingToCancel`, `pending` (resume on next up), `scheduled` (when: destroy). */
  declare readonly status: pulumi.Output<OfferOperationCancellationStatus>;
  /** 200 (cancelled synchronously) or 202 (accepted, then watched). */
  declare readonly httpStatus: pulumi.Output<200 | 202 | undefined>;
  /** The operation URL the service returned, as resolved against the endpoint. */
  declare readonly operationLocation: pulumi.Output<string | undefined>;
  /** The id of the cancellation's own operation (GUID, or `publisher$offer$version$slot`). */
  declare readonly cancellationOperationId: pulumi.Output<string | undefined>;
  /** The operation that was running when the cancel was sent. */
  declare readonly canceledOperation: pulumi.Output<CanceledOperation | undefined>;
  /** Latest status of the watched operation as the service spells it (`notFound` once it vanished). */
  declare readonly operationStatus: pulumi.Output<string | undefined>;

  constructor(name: string, args: OfferOperationCancellationArgs, opts?: pulumi.CustomResourceOptions) {
    const keys = { secretKeys: OFFER_OPERATION_SPEC.secretKeys, resultKeys: OFFER_OPERATION_RESULT_KEYS };
    super(cancellationProvider, TYPE, keys, name, args, opts);
  }
}
