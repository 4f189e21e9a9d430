/**
 * Kept for state written by 0.1.0, whose serialized provider methods call
 * `require("pulumi-marketplace-cancel/dist/provider/lifecycle").<method>(…)`: the lifecycle of
 * `OfferOperationCancellation` under its old path.
 */
export * from "./cpp/lifecycle";
