/**
 * The dynamic-provider front of `IngestionJobCancellation` (`front.ts` says what is serialized and
 * why). State written by 0.3.0 requires this front by its old name,
 * `dist/provider/ingestion/dynamicProvider`, which stays as a re-export of this module.
 */
import type * as Lifecycle from "../ingestion/lifecycle";
import { dynamicFront } from "./front";

const PACKAGE_ENTRY = "pulumi-marketplace-cancel/dist/provider/dynamic/ingestionJobCancellation";

/** The lifecycle this front forwards to; not a provider method. */
export function lifecycle(): typeof Lifecycle {
  return require("../ingestion/lifecycle");
}

export const {
  configure,
  check,
  diff,
  create,
  update,
  read,
  delete: deleteResource,
} = dynamicFront(PACKAGE_ENTRY, __filename);
export { deleteResource as delete };
