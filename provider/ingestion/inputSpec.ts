/**
 * The inputs of `IngestionJobCancellation`, written once, in the shape of the CPP resource's spec
 * (`../inputSpec.ts`, whose machinery this reuses): `check` (inputs.ts), `diff`, the resource
 * class and the README's "Inputs of IngestionJobCancellation" table follow this list;
 * tests/unit/inputSpec.test.ts fails when any of them drifts from it.
 *
 * Loaded at `pulumi preview` (by `check`): keep it free of the HTTP stack and of @pulumi/pulumi.
 */
import { InputSpec, defaultsOf, keysWhere, secretKeysOf } from "../kit/inputSpec";
import {
  DEFAULT_INGESTION_API_VERSION,
  DEFAULT_INGESTION_ENDPOINT,
  DOCUMENTED_MIN_POLL_SECONDS,
} from "./service";

export const DEFAULT_JOB_TIMEOUT_SECONDS = 1800;
/**
 * The service documents at most one status request per minute (ingestion-api.md §3), so polls
 * start at 60 s and grow ×1.5 to 120 s: never more than the documented rate, and a job that winds
 * down over many minutes is seen at most two minutes late (cloudpub's 300 s would make an `up`
 * wait up to five minutes for a cancel that is already done, to save a request a minute; the
 * bench's ingestion row shows both sides). A `Retry-After` longer than the floor wins.
 */
export const DEFAULT_JOB_POLL_INTERVAL: Readonly<{ min: number; max: number }> = Object.freeze({
  min: DOCUMENTED_MIN_POLL_SECONDS,
  max: 120,
});
/** The longest `max` accepted: one poll an hour. */
export const JOB_POLL_CEILING_SECONDS = 3600;

const IF_ALREADY_COMPLETED = ["succeed", "fail"] as const;
const WHEN = ["apply", "destroy"] as const;
const union = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(" | ");

/** In the order the README lists them. */
export const INGESTION_INPUTS = [
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
  {
    name: "when",
    type: union(WHEN),
    values: WHEN,
    default: "apply",
    onChange: "replace",
    doc: '`"apply"`: cancel on create; `"destroy"`: read the job once, and cancel when the resource is deleted.',
  },
  {
    name: "triggers",
    type: "unknown[] | object",
    onChange: "replace",
    doc: 'Any values; a change means "cancel again", like pulumi-command\'s `triggers`.',
  },
  {
    name: "timeoutSeconds",
    type: "number",
    default: DEFAULT_JOB_TIMEOUT_SECONDS,
    onChange: "update",
    doc: "How long one `up` waits for the job to stop; the next `up` resumes a wait that timed out, without a second cancel.",
  },
  {
    name: "pollIntervalSeconds",
    type: "number | { min, max }",
    default: DEFAULT_JOB_POLL_INTERVAL,
    onChange: "update",
    doc: "Polls of the job's status start at `min`, grow ×1.5 to `max`; a longer `Retry-After` wins. The service documents at most one status request per minute: keep `min` at 60 or more.",
  },
  {
    name: "endpoint",
    type: "string",
    defaultDoc: `\`marketplace:ingestionEndpoint\`, else \`${DEFAULT_INGESTION_ENDPOINT}\``,
    onChange: "update",
    doc: "The origin in front of `/rp/product-ingestion`: https; plain http only on loopback (the emulator).",
  },
  {
    name: "apiVersion",
    type: "string",
    default: DEFAULT_INGESTION_API_VERSION,
    onChange: "update",
    doc: "The `$version` sent on every call (`YYYY-MM-DD`, optionally `-previewN`).",
  },
  {
    name: "accessToken",
    type: "string",
    secret: true,
    onChange: "nothing",
    doc: "A bearer token for `https://graph.microsoft.com`. Used only when no credentials are configured.",
  },
] as const satisfies readonly InputSpec[];

type Entry = (typeof INGESTION_INPUTS)[number];
export type IngestionInputName = Entry["name"];
export type StoredIngestionInputName = Extract<Entry, { required: true } | { default: unknown }>["name"];
type Defaulted = Extract<Entry, { default: unknown }>;

export const INGESTION_INPUT_NAMES: readonly IngestionInputName[] = INGESTION_INPUTS.map((i) => i.name);
export const INGESTION_INPUT = Object.fromEntries(INGESTION_INPUTS.map((i) => [i.name, i])) as {
  readonly [E in Entry as E["name"]]: E;
};
export const INGESTION_REPLACE_KEYS = keysWhere(INGESTION_INPUTS, "replace") as readonly IngestionInputName[];
export const INGESTION_UPDATE_KEYS = keysWhere(INGESTION_INPUTS, "update") as readonly IngestionInputName[];
export const INGESTION_SECRET_KEYS = secretKeysOf(INGESTION_INPUTS) as readonly IngestionInputName[];
export const INGESTION_DEFAULTS = defaultsOf(INGESTION_INPUTS) as {
  readonly [E in Defaulted as E["name"]]: E["default"];
};
