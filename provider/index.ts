/**
 * pulumi-marketplace-cancel: declarative cancellation of Azure Marketplace offer operations.
 */
export { OfferOperationCancellation, RESOURCE_TYPE_TOKEN } from "./resource";
export type { OfferOperationCancellationArgs } from "./resource";
export type { CancellationStatus, CanceledOperation, CancellationOutputs } from "./outputs";
export { CppClient, DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "./client";
export type { AccessTokenSource, CancelResponse, CppClientOptions, OperationPoll } from "./client";
export { pollUntilDone } from "./poller";
export type { PollableOperation, PollerOptions, PollProgress, PollOutcome } from "./poller";
export { locationOperation, submissionWatchOperation } from "./operation";
export type { CancellationState } from "./operation";
export * from "./errors";
