/**
 * pulumi-marketplace-cancel: declarative cancellation of Azure Marketplace offer operations.
 *
 * Two resources: `OfferOperationCancellation` cancels whatever runs on an offer through the Cloud
 * Partner Portal API; `IngestionJobCancellation` cancels one Product Ingestion API configure job
 * by its `jobId`. The public surface is what a Pulumi program needs: the resources, their
 * arguments and outputs, their type tokens and the service defaults. Everything behind it (the
 * HTTP clients, the poller, the operations, the error classes) runs inside the provider process
 * and may change between releases. The emulator is `pulumi-marketplace-cancel/emulator`.
 */
export { OfferOperationCancellation, RESOURCE_TYPE_TOKEN } from "./cpp/resource";
export type { OfferOperationCancellationArgs } from "./cpp/resource";
export type { CancellationStatus, CanceledOperation, CancellationOutputs } from "./kit/outputs";
export { DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "./cpp/service";
export { IngestionJobCancellation, INGESTION_RESOURCE_TYPE_TOKEN } from "./ingestion/resource";
export type { IngestionJobCancellationArgs } from "./ingestion/resource";
export type {
  IngestionOutputs as IngestionJobCancellationOutputs,
  JobCancellationStatus,
  AppliedResource,
  JobError,
  SubmissionState,
} from "./ingestion/outputs";
export { DEFAULT_INGESTION_API_VERSION, DEFAULT_INGESTION_ENDPOINT } from "./ingestion/service";
