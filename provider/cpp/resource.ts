/**
 * `OfferOperationCancellation`: a declared cancellation of whatever publish or go-live runs on one
 * Azure Marketplace offer, through the Cloud Partner Portal API.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cancellationProvider from "../dynamic/offerOperationCancellation";
import { SECRET_KEYS } from "../kit/inputSpec";
import { CancellationStatus, CanceledOperation, RESULT_KEYS } from "../kit/outputs";
import { dynamicProps, secretOptions } from "../kit/resourceProps";

/** Its keys are inputSpec.ts's inputs (tests/unit/inputSpec.test.ts checks that at compile time). */
export interface OfferOperationCancellationArgs {
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
  /**
   * When the cancel is sent: `"apply"` (default) on create; `"destroy"` when the resource is
   * deleted (create only records the intent, after one read that proves access). Changing it
   * replaces the resource.
   */
  when?: pulumi.Input<"apply" | "destroy">;
  /**
   * Arbitrary values; any change means "cancel again" (a replacement), like pulumi-command's
   * `triggers`. Use it to cancel a new publish of an offer that was already cancelled once.
   */
  triggers?: pulumi.Input<unknown[]> | pulumi.Input<Record<string, unknown>>;
  /**
   * How long one `pulumi up` (or `destroy`) waits for the cancellation to finish. Default 1800.
   * On timeout the resource is recorded as pending and the next `up` resumes the wait without
   * sending a second cancel. (`customTimeouts` does not apply to dynamic providers.) Updates in place.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Polling bounds in seconds: a number (the longest wait between polls) or `{ min, max }`.
   * Default `{ min: 1, max: 5 }`: polls start fast and back off; a service `Retry-After` wins.
   * Updates in place.
   */
  pollIntervalSeconds?: pulumi.Input<number | { min?: number; max?: number }>;
  /**
   * CPP origin. Default: the `marketplace:endpoint` stack setting, else
   * `https://cloudpartner.azure.com`. Plain http is accepted only on loopback (the emulator).
   * Updates in place.
   */
  endpoint?: pulumi.Input<string>;
  /** CPP `api-version`. Default `2017-10-31`. Updates in place. */
  apiVersion?: pulumi.Input<string>;
  /**
   * A bearer token for `https://cloudpartner.azure.com`, e.g. from azure-native's
   * `authorization.getClientToken`. Stored as a secret; never causes a diff. Used only when no
   * credentials are configured in stack config or the environment (those can be renewed; a
   * token input expires after about an hour).
   */
  accessToken?: pulumi.Input<string>;
}

export const RESOURCE_MODULE = "marketplace";
export const RESOURCE_TYPE = "OfferOperationCancellation";
/** The type token the engine shows: `pulumi-nodejs:dynamic/marketplace:OfferOperationCancellation`. */
export const RESOURCE_TYPE_TOKEN = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${RESOURCE_TYPE}`;

export class OfferOperationCancellation extends pulumi.dynamic.Resource {
  declare readonly publisherId: pulumi.Output<string>;
  declare readonly offerId: pulumi.Output<string>;
  declare readonly notificationEmails: pulumi.Output<string[]>;
  declare readonly expectedOperationId: pulumi.Output<string | undefined>;
  declare readonly ifNothingToCancel: pulumi.Output<"succeed" | "fail">;
  declare readonly when: pulumi.Output<"apply" | "destroy">;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  declare readonly pollIntervalSeconds: pulumi.Output<{ min: number; max: number }>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly apiVersion: pulumi.Output<string>;
  /** `succeeded` | `canceled` (the cancel worked), `nothingToCancel`, `pending` (resume on next up), `scheduled` (when: destroy). */
  declare readonly status: pulumi.Output<CancellationStatus>;
  /** 200 (cancelled synchronously) or 202 (accepted, then watched). */
  declare readonly httpStatus: pulumi.Output<200 | 202 | undefined>;
  /** The operation URL the service returned, as resolved against the endpoint. */
  declare readonly operationLocation: pulumi.Output<string | undefined>;
  /** The id of the cancellation's own operation (GUID, or `publisher$offer$version$slot`). */
  declare readonly cancellationOperationId: pulumi.Output<string | undefined>;
  /** The operation that was running when the cancel was sent. */
  declare readonly canceledOperation: pulumi.Output<CanceledOperation | undefined>;
  declare readonly requestedAt: pulumi.Output<string | undefined>;
  declare readonly completedAt: pulumi.Output<string | undefined>;
  /** Latest status of the watched operation as the service spells it (`notFound` once it vanished). */
  declare readonly operationStatus: pulumi.Output<string | undefined>;
  declare readonly message: pulumi.Output<string | undefined>;

  constructor(name: string, args: OfferOperationCancellationArgs, opts?: pulumi.CustomResourceOptions) {
    // Secret inputs wrapped, outputs declared, the preview flag set (resourceProps.ts).
    const props = dynamicProps(args, SECRET_KEYS, RESULT_KEYS);
    super(
      cancellationProvider,
      name,
      props,
      secretOptions(opts, SECRET_KEYS),
      RESOURCE_MODULE,
      RESOURCE_TYPE,
    );
  }
}
