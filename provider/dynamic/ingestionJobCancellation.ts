/**
 * The dynamic-provider front of `IngestionJobCancellation` (`front.ts` says what is serialized and
 * why). State written by 0.3.0 requires this front by its old name,
 * `dist/provider/ingestion/dynamicProvider`, which stays as a re-export of this module.
 */
import type * as Lifecycle from "../ingestion/lifecycle";
import { dynamicFront } from "./front";

export = dynamicFront(
  "pulumi-marketplace-cancel/dist/provider/dynamic/ingestionJobCancellation",
  __filename,
  (): typeof Lifecycle => require("../ingestion/lifecycle"),
);
