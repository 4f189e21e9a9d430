/**
 * pulumi-marketplace-cancel: declarative cancellation of Azure Marketplace offer operations.
 *
 * The public surface is what a Pulumi program needs: the resource, its arguments and outputs,
 * and the service defaults. Everything behind it (the HTTP client, the poller, the operations,
 * the error classes) runs inside the provider process and may change between releases. The
 * emulator is `pulumi-marketplace-cancel/emulator`.
 */
export { OfferOperationCancellation, RESOURCE_TYPE_TOKEN } from "./resource";
export type { OfferOperationCancellationArgs } from "./resource";
export type { CancellationStatus, CanceledOperation, CancellationOutputs } from "./outputs";
export { DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "./cppService";
