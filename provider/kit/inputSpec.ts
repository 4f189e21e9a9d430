/**
 * How a resource's inputs are specified, for both resources: each input's name, type (for docs),
 * default, what a change does, whether it is secret, and a one-line doc. The seven inputs both
 * resources share (`when`, `triggers`, `timeoutSeconds`, `pollIntervalSeconds`, `endpoint`,
 * `apiVersion`, `accessToken`) are written here once, from the facts of the API behind the
 * resource; each resource adds its own inputs in front (`cpp/inputSpec.ts`,
 * `ingestion/inputSpec.ts`). `check` (checks.ts), `diff` (diff.ts), the resource classes and the
 * README's "Inputs" tables follow the resulting spec; tests/unit/inputSpec.test.ts fails when any
 * of them drifts from it.
 *
 * Loaded at `pulumi preview` (by `check`): keep it free of the HTTP stack and of @pulumi/pulumi.
 */
import type { ApiAudience } from "../core/audience";
import type { PropertiesOf, SchemaType } from "./schemaType";

/**
 * What changing the input does to an existing resource: `replace` sends a new cancel, `update`
 * records the new value in place without calling the service, `nothing` is no diff at all.
 */
export type OnChange = "replace" | "update" | "nothing";

export interface InputSpec {
  readonly name: string;
  /** Short TypeScript-like type text, for docs only (validation is in checks.ts). */
  readonly type: string;
  /** `check` fails when it is absent. */
  readonly required?: true;
  /** What `check` stores when the input is absent; `diff` treats absent and this as equal. */
  readonly default?: unknown;
  /** Docs text for a default that is resolved later (from settings), not stored by `check`. */
  readonly defaultDoc?: string;
  /** The accepted values of an enumeration. */
  readonly values?: readonly string[];
  readonly onChange: OnChange;
  /** Stored as a secret in state. */
  readonly secret?: true;
  /** One line (Markdown), the README's description. */
  readonly doc: string;
  /**
   * Its type in the plugin's schema (`plugin/schema.ts`), where `type` is more than `string`,
   * `number` or `boolean` and `values` do not make it an enumeration.
   */
  readonly schema?: SchemaType;
  /** The type `check` stores, where it normalizes the input to a narrower one (the output's type). */
  readonly stored?: SchemaType;
}

/** Polling bounds in seconds. Frozen where shared: `check` hands out copies. */
export type PollBounds = Readonly<{ min: number; max: number }>;

/** What the shared inputs take from the API behind a resource (its `service.ts` states them). */
export interface ApiFacts {
  /** Whose tokens the API takes; its name is the API's name in messages. */
  readonly audience: ApiAudience;
  /** The provider setting with the API's origin (`marketplace:<key>`). */
  readonly endpointSetting: "endpoint" | "ingestionEndpoint";
  readonly defaultEndpoint: string;
  /** Where the API's routes live under the origin, when not at its root. */
  readonly basePath?: string;
  readonly apiVersion: {
    readonly default: string;
    /** The query parameter that carries it: `api-version`, `$version`. */
    readonly parameter: string;
    readonly pattern: RegExp;
    /** The pattern, for readers: "`YYYY-MM-DD`". */
    readonly format: string;
    /** Other accepted values, shown after the default in the advice of a failure. */
    readonly examples: readonly string[];
  };
  /** The fewest seconds between two status requests the service documents, when it does. */
  readonly documentedMinPollSeconds?: number;
}

/** What each resource chooses for the shared inputs, beyond its API's facts. */
export interface SharedInputChoices {
  readonly timeoutSeconds: number;
  readonly pollInterval: PollBounds;
  /** The longest `max` accepted. */
  readonly pollCeilingSeconds: number;
}

const WHEN = ["apply", "destroy"] as const;

/**
 * `pollIntervalSeconds` as an object, in the schema: both bounds are stored, either may be given.
 * Literals (types only from `schemaType.ts`): `check` loads this module at preview.
 */
const POLL_BOUNDS: SchemaType = {
  object: {
    name: "PollInterval",
    description: "Polling bounds in seconds: polls start at `min` and grow ×1.5 to `max`.",
    properties: {
      min: { type: { type: "number" }, description: "The first wait between two status requests." },
      max: { type: { type: "number" }, description: "The longest wait between two status requests." },
    } satisfies PropertiesOf<Partial<PollBounds>>,
  },
};

/** A union type's docs text: `"a" | "b"`. */
export const union = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(" | ");

/** The shared inputs, in the order the README lists them (after the resource's own). */
function sharedInputs(api: ApiFacts, choices: SharedInputChoices) {
  const version = api.apiVersion;
  const pollNote =
    api.documentedMinPollSeconds === undefined
      ? ""
      : ` The service documents at most one status request every ${api.documentedMinPollSeconds} s: keep \`min\` at ${api.documentedMinPollSeconds} or more.`;
  return [
    {
      name: "when",
      type: union(WHEN),
      values: WHEN,
      default: "apply",
      onChange: "replace",
      doc: '`"apply"`: cancel on create; `"destroy"`: one read now (it proves access), the cancel when the resource is deleted.',
    },
    {
      name: "triggers",
      type: "unknown[] | object",
      schema: {
        oneOf: [
          { type: "array", items: { type: "any" } },
          { type: "map", additionalProperties: { type: "any" } },
        ],
      },
      onChange: "replace",
      doc: 'Any values; a change means "cancel again", like pulumi-command\'s `triggers`.',
    },
    {
      name: "timeoutSeconds",
      type: "number",
      default: choices.timeoutSeconds,
      onChange: "update",
      doc: "How long one `up` waits for the cancel to finish; the next `up` resumes a wait that timed out, without a second cancel. (`customTimeouts` does not apply to dynamic providers.)",
    },
    {
      name: "pollIntervalSeconds",
      type: "number | { min, max }",
      schema: { oneOf: [{ type: "number" }, POLL_BOUNDS] },
      stored: POLL_BOUNDS,
      default: choices.pollInterval,
      onChange: "update",
      doc: `A number (the ceiling) or \`{ min, max }\`. Polls start at \`min\`, grow ×1.5 to \`max\`; a longer \`Retry-After\` wins.${pollNote}`,
    },
    {
      name: "endpoint",
      type: "string",
      // Absent stays absent: the origin setting is read when the provider runs.
      defaultDoc: `\`marketplace:${api.endpointSetting}\`, else \`${api.defaultEndpoint}\``,
      onChange: "update",
      doc: `An https origin${api.basePath ? ` (the API is under \`${api.basePath}\`)` : ""}; plain http only on loopback (the emulator).`,
    },
    {
      name: "apiVersion",
      type: "string",
      default: version.default,
      onChange: "update",
      doc: `The \`${version.parameter}\` sent on every call (${version.format}).`,
    },
    {
      name: "accessToken",
      type: "string",
      secret: true,
      // A fresh token for the same cancellation must not re-fire it, nor show as a change.
      onChange: "nothing",
      doc: `A bearer token for \`${api.audience.resource}\`, e.g. from azure-native's \`getClientToken\`. Used only when no credentials are configured.`,
    },
  ] as const satisfies readonly InputSpec[];
}

type SharedInputs = ReturnType<typeof sharedInputs>;

/** What every consumer of a spec (check, diff, the resource class) reads, whichever resource. */
export interface SpecFacts {
  readonly inputs: readonly InputSpec[];
  readonly api: ApiFacts;
  readonly pollCeilingSeconds: number;
  readonly names: readonly string[];
  readonly replaceKeys: readonly string[];
  readonly updateKeys: readonly string[];
  readonly secretKeys: readonly string[];
  /** The stored defaults by name. Shared and frozen: copy (`structuredClone`) before storing one. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

type Name<I extends readonly InputSpec[]> = I[number]["name"];

/** One resource's spec: its inputs (its own, then the shared ones) and what follows from them. */
export interface ResourceSpec<I extends readonly InputSpec[]> extends SpecFacts {
  readonly inputs: I;
  readonly names: readonly Name<I>[];
  /** By name, for the code that validates one input. */
  readonly input: { readonly [E in I[number] as E["name"]]: E };
  /** A change to any of these creates a new cancellation (replace). */
  readonly replaceKeys: readonly Name<I>[];
  /** A change to any of these is recorded in place; nothing is sent to the service. */
  readonly updateKeys: readonly Name<I>[];
  readonly secretKeys: readonly Name<I>[];
  readonly defaults: { readonly [E in Extract<I[number], { default: unknown }> as E["name"]]: E["default"] };
}

export type InputNameOf<S> = S extends ResourceSpec<infer I> ? Name<I> : never;
/** Inputs that `check` always stores a value for (required, or defaulted). */
export type StoredInputNameOf<S> =
  S extends ResourceSpec<infer I>
    ? Extract<I[number], { required: true } | { default: unknown }>["name"]
    : never;
export type RequiredInputNameOf<S> =
  S extends ResourceSpec<infer I> ? Extract<I[number], { required: true }>["name"] : never;

/** A resource's spec: its own inputs, then the shared ones for its API and choices. */
export function resourceSpec<const Own extends readonly InputSpec[]>(
  own: Own,
  api: ApiFacts,
  choices: SharedInputChoices,
): ResourceSpec<readonly [...Own, ...SharedInputs]> {
  const inputs = [...own, ...sharedInputs(api, choices)] as const;
  const where = (onChange: OnChange) => inputs.filter((i) => i.onChange === onChange).map((i) => i.name);
  return {
    inputs,
    api,
    pollCeilingSeconds: choices.pollCeilingSeconds,
    names: inputs.map((i) => i.name),
    input: Object.fromEntries(inputs.map((i) => [i.name, i])),
    replaceKeys: where("replace"),
    updateKeys: where("update"),
    secretKeys: inputs.filter((i) => "secret" in i && i.secret).map((i) => i.name),
    defaults: Object.freeze(
      Object.fromEntries(inputs.flatMap((i) => ("default" in i ? [[i.name, i.default]] : []))),
    ),
  } as unknown as ResourceSpec<readonly [...Own, ...SharedInputs]>;
}
