/**
 * The dynamic-provider front of `OfferOperationCancellation` (`front.ts` says what is serialized
 * and why). State written by 0.2.0 and 0.3.0 requires this front by its old name,
 * `dist/provider/dynamicProvider`, and state written by 0.1.0 requires the lifecycle itself as
 * `dist/provider/lifecycle`: both stay as re-exports of this module and of `../cpp/lifecycle`.
 */
import type * as Lifecycle from "../cpp/lifecycle";
import { dynamicFront } from "./front";

export = dynamicFront(
  "pulumi-marketplace-cancel/dist/provider/dynamic/offerOperationCancellation",
  __filename,
  (): typeof Lifecycle => require("../cpp/lifecycle"),
);
