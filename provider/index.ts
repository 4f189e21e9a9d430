/**
 * pulumi-marketplace-cancel: declarative cancellation of Azure Marketplace offer operations.
 *
 * Two resources: `OfferOperationCancellation` cancels whatever runs on an offer through the Cloud
 * Partner Portal API; `IngestionJobCancellation` cancels one Product Ingestion API configure job
 * by its `jobId`. The public surface is what a Pulumi program needs: the resources, their
 * arguments and outputs, their type tokens and the service defaults, under one naming pattern for
 * both (`<Resource>Args`, `<Resource>Outputs`, `<Resource>Status`, `<RESOURCE>_TYPE_TOKEN`;
 * `DEFAULT_<API>_ENDPOINT`, `DEFAULT_<API>_API_VERSION`). Everything behind it (the HTTP clients,
 * the poller, the operations, the error classes) runs inside the provider process and may change
 * between releases. The emulator is `pulumi-marketplace-cancel/emulator`.
 */
import { OFFER_OPERATION_CANCELLATION_TYPE_TOKEN } from "./cpp/resource";
import type { OfferOperationCancellationOutputs, OfferOperationCancellationStatus } from "./cpp/outputs";
import { DEFAULT_CPP_API_VERSION, DEFAULT_CPP_ENDPOINT } from "./cpp/service";
import { INGESTION_JOB_CANCELLATION_TYPE_TOKEN } from "./ingestion/resource";
import type { IngestionJobCancellationStatus } from "./ingestion/outputs";

export { OfferOperationCancellation, OFFER_OPERATION_CANCELLATION_TYPE_TOKEN } from "./cpp/resource";
export type { OfferOperationCancellationArgs } from "./cpp/resource";
export type {
  OfferOperationCancellationOutputs,
  OfferOperationCancellationStatus,
  CanceledOperation,
} from "./cpp/outputs";
export { DEFAULT_CPP_API_VERSION, DEFAULT_CPP_ENDPOINT } from "./cpp/service";

export { IngestionJobCancellation, INGESTION_JOB_CANCELLATION_TYPE_TOKEN } from "./ingestion/resource";
export type { IngestionJobCancellationArgs } from "./ingestion/resource";
export type {
  IngestionJobCancellationOutputs,
  IngestionJobCancellationStatus,
  AppliedResource,
  JobError,
  SubmissionState,
} from "./ingestion/outputs";
export { DEFAULT_INGESTION_API_VERSION, DEFAULT_INGESTION_ENDPOINT } from "./ingestion/service";

// ---- The names of 0.3.0, kept so programs compiled against them still build ---------------------

/** @deprecated Use {@link OFFER_OPERATION_CANCELLATION_TYPE_TOKEN}. */
export const RESOURCE_TYPE_TOKEN = OFFER_OPERATION_CANCELLATION_TYPE_TOKEN;
/** @deprecated Use {@link INGESTION_JOB_CANCELLATION_TYPE_TOKEN}. */
export const INGESTION_RESOURCE_TYPE_TOKEN = INGESTION_JOB_CANCELLATION_TYPE_TOKEN;
/** @deprecated Use {@link DEFAULT_CPP_ENDPOINT}. */
export const DEFAULT_ENDPOINT = DEFAULT_CPP_ENDPOINT;
/** @deprecated Use {@link DEFAULT_CPP_API_VERSION}. */
export const DEFAULT_API_VERSION = DEFAULT_CPP_API_VERSION;
/** @deprecated Use {@link OfferOperationCancellationOutputs}. */
export type CancellationOutputs = OfferOperationCancellationOutputs;
/** @deprecated Use {@link OfferOperationCancellationStatus}. */
export type CancellationStatus = OfferOperationCancellationStatus;
/** @deprecated Use {@link IngestionJobCancellationStatus}. */
export type JobCancellationStatus = IngestionJobCancellationStatus;
