/**
 * The inputs of `IngestionJobCancellation`, written once: its own, then the ones both resources
 * share (`../kit/inputSpec.ts`), with this API's facts (`service.ts`) and this resource's polling
 * and timeout choices. `check` (inputs.ts), `diff`, the resource class and the README's "Inputs of
 * IngestionJobCancellation" table follow this spec; tests/unit/inputSpec.test.ts fails when any of
 * them drifts from it.
 *
 * Loaded at `pulumi preview` (by `check`): keep it free of the HTTP stack and of @pulumi/pulumi.
 */
import { PollBounds, resourceSpec, union } from "../kit/inputSpec";
import { DOCUMENTED_MIN_POLL_SECONDS, INGESTION_API_FACTS } from "./service";

/**
 * The service documents at most one status request per minute, so polls start at 60 s and grow
 * ×1.5 to 120 s: never more than the documented rate, and a job that winds down over many minutes
 * is seen at most two minutes late (cloudpub's 300 s would make an `up` wait up to five minutes
 * for a cancel that is already done, to save a request a minute; the bench's ingestion row shows
 * both sides). A `Retry-After` longer than the floor wins.
 */
export const INGESTION_JOB_POLL_INTERVAL: PollBounds = Object.freeze({
  min: DOCUMENTED_MIN_POLL_SECONDS,
  max: 120,
});

const IF_ALREADY_COMPLETED = ["succeed", "fail"] as const;

export const INGESTION_JOB_SPEC = resourceSpec(
  [
    {
      name: "jobId",
      type: "string",
      required: true,
      onChange: "replace",
      doc: "The GUID that `POST configure` returned when the publish was submitted (`jobId`).",
    },
    {
      name: "product",
      type: "string",
      onChange: "update",
      doc: "The offer's external id or `product/<guid>`: after the cancel, its submissions are read and reported.",
    },
    {
      name: "ifAlreadyCompleted",
      type: union(IF_ALREADY_COMPLETED),
      values: IF_ALREADY_COMPLETED,
      default: "succeed",
      onChange: "update",
      doc: '`"succeed"` reports status `alreadyCompleted` (with the job\'s result) for a job that ended before the cancel; `"fail"` makes it an error.',
    },
  ],
  INGESTION_API_FACTS,
  // The longest `max` accepted is one poll an hour.
  { timeoutSeconds: 1800, pollInterval: INGESTION_JOB_POLL_INTERVAL, pollCeilingSeconds: 3600 },
);
