/**
 * Kept for state written by 0.3.0, whose serialized provider is
 * `require("pulumi-marketplace-cancel/dist/provider/ingestion/dynamicProvider")`: the front of
 * `IngestionJobCancellation` under its old path. New state names `dynamic/ingestionJobCancellation`.
 */
import front = require("../dynamic/ingestionJobCancellation");
export = front;
