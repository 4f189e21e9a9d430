// Every error the emulated Product Ingestion API answers with, each built once here. The wire shape
// is `{"error": {"code", "message", "details"?}}` (docs/ingestion-api.md §6): lower camel-case codes, and
// `details` (inner errors) present unless the real service was seen to leave them out.

import { ServiceError } from "../core/errors";
import type { IngestionErrorItem } from "./settings";

/** An ingestion error answer; `details` undefined means the body has no `details` at all. */
export class IngestionError extends ServiceError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: IngestionErrorItem[] | undefined,
    headers: Record<string, string> = {},
  ) {
    super(status, code, message, headers);
  }
}

export function ingestionErrorBody(e: ServiceError): {
  error: { code: string; message: string; details?: IngestionErrorItem[] };
} {
  const details = e instanceof IngestionError ? e.details : undefined;
  return {
    error: { code: e.code, message: e.message, ...(details === undefined ? {} : { details }) },
  };
}

const detail = (code: string, message: string, resourceId?: string): IngestionErrorItem =>
  resourceId === undefined ? { code, message } : { code, message, resourceId };

export const CANNOT_CANCEL_COMPLETED = "Cannot cancel job, job has already completed.";
export const CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN =
  "Cannot cancel job, the publish has progressed too far to be cancelled.";

/** The request is malformed (envelope, resources, body, query); one inner error names what. */
export const invalidRequest = (message: string, innerCode = "invalidRequest"): IngestionError =>
  new IngestionError(400, "badRequest", "The request is invalid.", [detail(innerCode, message)]);

export const schemaValidation = (message: string): IngestionError =>
  invalidRequest(message, "schemaValidationError");

export const versionMissing = (): IngestionError =>
  invalidRequest("The query parameter '$version' is required.");

export const versionInvalid = (version: string, known: readonly string[]): IngestionError =>
  invalidRequest(`'${version}' is not a supported $version; supported: ${known.join(", ")}.`);

/** The real service's answer to a deprecated `$version`: no details, the message in quotes. */
export const versionDeprecated = (version: string): IngestionError =>
  new IngestionError(400, "badRequest", `"${version} is a deprecated schema"`, undefined);

export const cannotCancelCompleted = (): IngestionError =>
  new IngestionError(400, "badRequest", CANNOT_CANCEL_COMPLETED, []);

export const cannotCancelPastPointOfNoReturn = (jobId: string): IngestionError =>
  new IngestionError(400, "badRequest", CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN, [
    detail("invalidState", `Job '${jobId}' is past the point where it can be cancelled; it continues.`),
  ]);

export const detailNotReady = (status: number, jobId: string): IngestionError =>
  new IngestionError(
    status,
    status === 404 ? "notFound" : status === 409 ? "conflict" : "badRequest",
    "The job has not completed yet.",
    [
      detail(
        "invalidState",
        `Job '${jobId}' has not completed; its configuration detail exists once it has.`,
      ),
    ],
  );

export const unauthorized = (message: string, wwwAuthenticate: string): IngestionError =>
  new IngestionError(401, "unauthorized", message, [], { "WWW-Authenticate": wwwAuthenticate });

export const forbidden = (client: string, resourceId: string): IngestionError =>
  new IngestionError(403, "forbidden", `The client '${client}' does not have access to '${resourceId}'.`, [
    detail(
      "businessValidationError",
      "The application is not associated with the seller account of this resource.",
      resourceId,
    ),
  ]);

export const jobNotFound = (jobId: string): IngestionError =>
  new IngestionError(404, "notFound", `Job '${jobId}' was not found.`, [
    detail("resourceNotFound", `No configure job with id '${jobId}'.`),
  ]);

export const resourceNotFound = (resourceId: string): IngestionError =>
  new IngestionError(404, "notFound", `Resource '${resourceId}' was not found.`, [
    detail("resourceNotFound", `No resource with id '${resourceId}'.`, resourceId),
  ]);

/** A resource of a POST configure names a product that does not exist. */
export const unknownProductReference = (resourceId: string): IngestionError =>
  new IngestionError(400, "badRequest", "The request is invalid.", [
    detail("resourceNotFound", `The product '${resourceId}' does not exist.`, resourceId),
  ]);

export const noRoute = (rawPath: string): IngestionError =>
  new IngestionError(404, "notFound", `No Product Ingestion resource at ${rawPath.split("?")[0]}.`, []);

export const methodNotAllowed = (method: string, allow: string): IngestionError =>
  new IngestionError(
    405,
    "methodNotAllowed",
    `${method} is not supported on this resource; use ${allow}.`,
    [],
    {
      Allow: allow,
    },
  );

export const publishInProgress = (productId: string): IngestionError =>
  new IngestionError(409, "conflict", "An In Progress submission already exists", [
    detail(
      "invalidState",
      "Wait for the running publish of this product to finish, or cancel it.",
      productId,
    ),
  ]);
