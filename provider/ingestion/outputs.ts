/**
 * What an `IngestionJobCancellation` records in state: the checked inputs echoed back, plus what
 * happened to the job. Shared by the resource class (which declares the outputs) and the lifecycle
 * (which fills them); no credential is ever among them but the secret `accessToken` input.
 */
import { SHARED_RESULTS, SharedResults, resultsOf } from "../kit/outputs";
import { BOOLEAN, STRING, arrayOf, objectType, type PropertiesOf } from "../kit/schemaType";
import type { IngestionJobCancellationInputs } from "./inputs";

/**
 * `canceled`: the job ended `cancelled` because of this cancel. `failedAfterCancel`: the service
 * accepted the cancel, then the job ended `failed` (see `jobErrors`; whether the cancel caused it
 * is not known). `alreadyCompleted`: it ended on its own before the cancel took effect (see
 * `jobResult`). `pending`: the cancel was sent (or may have been), the wait goes on at the next
 * `up`. `scheduled`: `when: "destroy"`, nothing sent yet.
 */
export type IngestionJobCancellationStatus =
  "canceled" | "failedAfterCancel" | "alreadyCompleted" | "pending" | "scheduled";

/** One item of the job's `errors[]` (docs/ingestion-api.md, "Errors, spelling drift, throttling"), sanitized. */
export interface JobError {
  code: string;
  message?: string;
  resourceId?: string;
}

/** One resource the job had applied (GET configure/{jobId}): kept by the service despite the cancel. */
export interface AppliedResource {
  id?: string;
  /** The resource type, from its `$schema` (`…/schema/<type>/<version>`). */
  type?: string;
}

/** One submission of the product, as listed after the cancel. */
export interface SubmissionState {
  id: string;
  targetType?: string;
  status?: string;
  result?: string;
}

export interface IngestionJobCancellationOutputs extends IngestionJobCancellationInputs, SharedResults {
  status: IngestionJobCancellationStatus;
  /** The job's status as the service spelled it: `notStarted`, `running`, `completed` (`notFound` once gone). */
  jobStatus?: string;
  /** The job's result as the service spelled it: `pending`, `succeeded`, `failed`, `cancelled`. */
  jobResult?: string;
  jobStart?: string;
  /** Absent while the service sends its "not ended" sentinel (`0001-01-01…`). */
  jobEnd?: string;
  jobErrors?: JobError[];
  /** What the job had applied before it stopped; absent when the service could not say. */
  appliedResources?: AppliedResource[];
  /** The `product` input resolved to `product/<guid>`. */
  productId?: string;
  /** The product's submissions after the cancel. */
  submissions?: SubmissionState[];
  /** True while no answer to the cancel was received (it may or may not have reached the service). */
  cancelAnswerLost?: boolean;
}

/** What is recorded besides the echoed inputs. */
type IngestionJobResults = Omit<IngestionJobCancellationOutputs, keyof IngestionJobCancellationInputs>;

/**
 * The results in the plugin's schema (`plugin/schema.ts`): each one's type and description,
 * checked at compile time against {@link IngestionJobCancellationOutputs}.
 */
export const INGESTION_JOB_RESULTS = {
  status: {
    type: STRING,
    required: true,
    description:
      "`canceled`: the job ended cancelled by this cancel; `failedAfterCancel`: the cancel was accepted, then the job failed (see `jobErrors`); `alreadyCompleted`: it ended on its own first (see `jobResult`); `pending`: the wait goes on at the next `up`; `scheduled`: `when` is `destroy`, nothing sent yet.",
  },
  jobStatus: {
    type: STRING,
    description:
      "The job's status as the service spells it: `notStarted`, `running`, `completed` (`notFound` once gone).",
  },
  jobResult: {
    type: STRING,
    description: "The job's result as the service spells it: `pending`, `succeeded`, `failed`, `cancelled`.",
  },
  jobStart: { type: STRING, description: "When the job started, as the service reports it." },
  jobEnd: { type: STRING, description: "When the job ended; absent while it has not." },
  jobErrors: {
    type: arrayOf(
      objectType<JobError>("JobError", "One error the job reported, sanitized.", {
        code: { type: STRING, required: true, description: "The error's code." },
        message: { type: STRING, description: "The error's text." },
        resourceId: { type: STRING, description: "The resource it is about." },
      }),
    ),
    description: "The errors the job reported, sanitized.",
  },
  appliedResources: {
    type: arrayOf(
      objectType<AppliedResource>(
        "AppliedResource",
        "A resource the job had applied; the service keeps it.",
        {
          id: { type: STRING, description: "The resource's id." },
          type: { type: STRING, description: "The resource type, from its `$schema`." },
        },
      ),
    ),
    description: "What the job had applied before it stopped; absent when the service could not say.",
  },
  productId: { type: STRING, description: "The `product` input resolved to `product/<guid>`." },
  submissions: {
    type: arrayOf(
      objectType<SubmissionState>(
        "SubmissionState",
        "One submission of the product, as listed after the cancel.",
        {
          id: { type: STRING, required: true, description: "The submission's id." },
          targetType: { type: STRING, description: "Its target, as the service spells it." },
          status: { type: STRING, description: "Its status as the service spells it." },
          result: { type: STRING, description: "Its result as the service spells it." },
        },
      ),
    ),
    description: "The product's submissions after the cancel.",
  },
  cancelAnswerLost: {
    type: BOOLEAN,
    description:
      "True while no answer to the cancel was received (it may or may not have reached the service).",
  },
  ...SHARED_RESULTS,
} as const satisfies PropertiesOf<IngestionJobResults>;

/** The result keys (all but the echoed inputs), and outputs = the checked inputs + results. */
export const { keys: INGESTION_JOB_RESULT_KEYS, record: recordIngestionJobOutputs } = resultsOf<
  IngestionJobCancellationInputs,
  IngestionJobCancellationOutputs,
  typeof INGESTION_JOB_RESULTS
>(INGESTION_JOB_RESULTS);
