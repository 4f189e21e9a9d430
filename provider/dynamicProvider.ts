/**
 * Kept for state written by 0.2.0 and 0.3.0, whose serialized provider is
 * `require("pulumi-marketplace-cancel/dist/provider/dynamicProvider")`: the front of
 * `OfferOperationCancellation` under its old path. New state names `dynamic/offerOperationCancellation`.
 */
import front = require("./dynamic/offerOperationCancellation");
export = front;
