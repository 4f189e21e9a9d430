/**
 * The inputs of `OfferOperationCancellation`, written once: its own, then the ones both resources
 * share (`../kit/inputSpec.ts`), with this API's facts (`service.ts`) and this resource's polling
 * and timeout choices. `check` (inputs.ts), `diff`, the resource class and the README's "Inputs"
 * table follow this spec; tests/unit/inputSpec.test.ts fails when any of them drifts from it.
 *
 * Loaded at `pulumi preview` (by `check`): keep it free of the HTTP stack and of @pulumi/pulumi.
 */
import { PollBounds, resourceSpec, union } from "../kit/inputSpec";
import { CPP_API_FACTS } from "./service";

/**
 * A CPP cancel usually settles within seconds, so polls start at 1 s and back off to 5 s; the
 * service sends `Retry-After` where it wants fewer.
 */
export const OFFER_OPERATION_POLL_INTERVAL: PollBounds = Object.freeze({ min: 1, max: 5 });

const IF_NOTHING_TO_CANCEL = ["succeed", "fail"] as const;

export const OFFER_OPERATION_SPEC = resourceSpec(
  [
    {
      name: "publisherId",
      type: "string",
      required: true,
      onChange: "replace",
      doc: "The publisher id as the Cloud Partner Portal shows it (letters, digits, `.`, `-`, `_`).",
    },
    {
      name: "offerId",
      type: "string",
      required: true,
      onChange: "replace",
      doc: "The offer id as the Cloud Partner Portal shows it (letters, digits, `.`, `-`, `_`).",
    },
    {
      name: "notificationEmails",
      type: "string[] | string",
      schema: { oneOf: [{ type: "array", items: { type: "string" } }, { type: "string" }] },
      stored: { type: "array", items: { type: "string" } },
      default: [],
      onChange: "update",
      doc: "Who the service emails: a list or one comma-separated string. Ignored by the service for offers migrated to Partner Center.",
    },
    {
      name: "expectedOperationId",
      type: "string",
      onChange: "update",
      doc: "Cancel only if the running operation has this id; otherwise fail without cancelling.",
    },
    {
      name: "ifNothingToCancel",
      type: union(IF_NOTHING_TO_CANCEL),
      values: IF_NOTHING_TO_CANCEL,
      default: "succeed",
      onChange: "update",
      doc: '`"succeed"` reports status `nothingToCancel` for an idle offer; `"fail"` makes it an error.',
    },
  ],
  CPP_API_FACTS,
  { timeoutSeconds: 1800, pollInterval: OFFER_OPERATION_POLL_INTERVAL, pollCeilingSeconds: 300 },
);
