// Every error the emulated CPP service answers with beyond the shared ones of core/errors.ts, each
// built once here: its status, its code and the wording of its message. The wire shape is the
// default `{"error":{"code","message"}}` (docs/cpp-api.md §5).

import { ServiceError } from "../core/errors";

export const invalidApiVersion = (allowed: string): ServiceError =>
  new ServiceError(400, "InvalidAPIVersion", `Invalid api version. Allowed values are [${allowed}]`);

export const invalidNotificationEmails = (message: string): ServiceError =>
  new ServiceError(400, "InvalidNotificationEmails", message);

export const unauthorized = (message: string, wwwAuthenticate: string): ServiceError =>
  new ServiceError(401, "Unauthorized", message, { "WWW-Authenticate": wwwAuthenticate });

export const forbidden = (client: string, publisherId: string): ServiceError =>
  new ServiceError(
    403,
    "Forbidden",
    `The client '${client}' does not have access to publisher '${publisherId}'.`,
  );

export const publisherNotFound = (publisherId: string): ServiceError =>
  new ServiceError(404, "PublisherNotFound", `Publisher '${publisherId}' does not exist.`);

export const offerNotFound = (publisherId: string, offerId: string): ServiceError =>
  new ServiceError(404, "OfferNotFound", `Offer '${offerId}' of publisher '${publisherId}' does not exist.`);

/** `offerId` when the operation was looked up under an offer's path. */
export const operationNotFound = (id: string, offerId?: string): ServiceError =>
  new ServiceError(
    404,
    "OperationNotFound",
    offerId === undefined
      ? `Operation '${id}' does not exist.`
      : `Operation '${id}' does not exist on offer '${offerId}'.`,
  );

export const operationInProgress = (runningId: string, runningKind: string, offerId: string): ServiceError =>
  new ServiceError(
    409,
    "OperationInProgress",
    `Operation ${runningId} (${runningKind}) is already in progress on offer ${offerId}; ` +
      `cancel it or wait for it to finish.`,
  );
