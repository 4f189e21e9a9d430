/**
 * How a cancellation records its outputs in state, for either resource: the checked inputs echoed
 * back plus the results (each resource's `outputs.ts` names its results and their types).
 */
import { STRING, type PropertiesOf } from "./schemaType";

/** The results both resources record. */
export interface SharedResults {
  /** When the cancel was sent (ISO 8601). */
  requestedAt?: string;
  completedAt?: string;
  /** One line for humans: what happened, or why the wait goes on. */
  message?: string;
}

/** {@link SharedResults} in the plugin's schema (`plugin/schema.ts`); part of each resource's results. */
export const SHARED_RESULTS = {
  requestedAt: { type: STRING, description: "When the cancel was sent (ISO 8601)." },
  completedAt: { type: STRING, description: "When the cancellation ended (ISO 8601)." },
  message: { type: STRING, description: "One line for humans: what happened, or why the wait goes on." },
} as const satisfies PropertiesOf<SharedResults>;

/** The keys of {@link SharedResults}, part of each resource's result keys. */
export const SHARED_RESULT_KEYS = Object.keys(SHARED_RESULTS) as readonly (keyof SharedResults)[];

/**
 * Inputs never echoed: the provider code, and what a preview adds or the resource passes for
 * `check` only (preview.ts `FACTS_KEY` and `PREVIEW_FLAG`; literals here, so this module stays free
 * of the preview machinery).
 */
const NOT_ECHOED: ReadonlySet<string> = new Set(["__provider", "runningNow", "__preview"]);

/**
 * Outputs = the checked inputs + results (`resultKeys`: everything that is not an echoed input).
 * The access token is echoed only so `refresh` and `destroy` can use it when nothing else is
 * configured; the resource marks it secret.
 */
export function recordOutputs<I extends object, O extends I>(
  resultKeys: readonly string[],
  inputs: I,
  results: Partial<O>,
): O {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) if (!NOT_ECHOED.has(k) && !resultKeys.includes(k)) out[k] = v;
  // Nested undefineds too (e.g. a slot the service did not list): the runtime's protobuf Struct
  // rejects them ("Unexpected struct type") and the engine would record nothing.
  for (const [k, v] of Object.entries(results))
    out[k] = v && typeof v === "object" ? JSON.parse(JSON.stringify(v)) : v;
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as unknown as O;
}

/** {@link recordOutputs} bound to one resource's result keys and types. */
export function outputsRecorder<I extends object, O extends I>(
  resultKeys: readonly string[],
): (inputs: I, results: Partial<O>) => O {
  return (inputs, results) => recordOutputs<I, O>(resultKeys, inputs, results);
}

/**
 * A resource's result declarations (its schema's outputs), as the lifecycle uses them: the result
 * keys, and the recorder of outputs (the checked inputs `I` echoed back plus the results of `O`).
 */
export function resultsOf<I extends object, O extends I, R extends object>(
  results: R,
): { keys: readonly (keyof R & string)[]; record: (inputs: I, results: Partial<O>) => O } {
  const keys = Object.keys(results) as (keyof R & string)[];
  return { keys, record: outputsRecorder<I, O>(keys) };
}
