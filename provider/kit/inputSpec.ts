/**
 * The resource's inputs, written once: name, type (for docs), default, what a change does,
 * whether it is secret, and a one-line doc. `check` (inputs.ts), `diff` (diff.ts), the resource
 * (resource.ts) and the README's "Inputs" table follow this list; tests/unit/inputSpec.test.ts
 * fails when any of them drifts from it.
 *
 * Loaded at `pulumi preview` (by `check`): keep it free of the HTTP stack and of @pulumi/pulumi.
 */
import { DEFAULT_API_VERSION, DEFAULT_ENDPOINT } from "../cpp/service";

/**
 * What changing the input does to an existing resource: `replace` sends a new cancel, `update`
 * records the new value in place without calling the service, `nothing` is no diff at all.
 */
export type OnChange = "replace" | "update" | "nothing";

export interface InputSpec {
  readonly name: string;
  /** Short TypeScript-like type text, for docs only (validation is in inputs.ts). */
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
}

export const DEFAULT_TIMEOUT_SECONDS = 1800;
// Frozen: it is shared, and `check` hands out copies (a caller mutating one must not move it).
export const DEFAULT_POLL_INTERVAL: Readonly<{ min: number; max: number }> = Object.freeze({
  min: 1,
  max: 5,
});
const IF_NOTHING_TO_CANCEL = ["succeed", "fail"] as const;
const WHEN = ["apply", "destroy"] as const;

const union = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(" | ");

/** In the order the README lists them. */
export const INPUTS = [
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
  {
    name: "when",
    type: union(WHEN),
    values: WHEN,
    default: "apply",
    onChange: "replace",
    doc: '`"apply"`: cancel on create; `"destroy"`: record the intent and cancel when the resource is deleted.',
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
    default: DEFAULT_TIMEOUT_SECONDS,
    onChange: "update",
    doc: "How long one `up` waits; the next `up` resumes a wait that timed out. (`customTimeouts` does not apply to dynamic providers.)",
  },
  {
    name: "pollIntervalSeconds",
    type: "number | { min, max }",
    default: DEFAULT_POLL_INTERVAL,
    onChange: "update",
    doc: "A number (the ceiling) or `{ min, max }`. Polls start at `min`, grow ×1.5 to `max`; a service `Retry-After` wins.",
  },
  {
    name: "endpoint",
    type: "string",
    // Absent stays absent: the `marketplace:endpoint` setting is read when the provider runs.
    defaultDoc: `\`marketplace:endpoint\`, else \`${DEFAULT_ENDPOINT}\``,
    onChange: "update",
    doc: "An https origin; plain http only on loopback (the emulator).",
  },
  {
    name: "apiVersion",
    type: "string",
    default: DEFAULT_API_VERSION,
    onChange: "update",
    doc: "The Cloud Partner Portal `api-version` (`YYYY-MM-DD`).",
  },
  {
    name: "accessToken",
    type: "string",
    secret: true,
    // A fresh token for the same cancellation must not re-fire it, nor show as a change.
    onChange: "nothing",
    doc: "A bearer token, e.g. from azure-native's `getClientToken`. Used only when no credentials are configured (below).",
  },
] as const satisfies readonly InputSpec[];

type Entry = (typeof INPUTS)[number];
export type InputName = Entry["name"];
/** Inputs that `check` always stores a value for (required, or defaulted). */
export type StoredInputName = Extract<Entry, { required: true } | { default: unknown }>["name"];
type Defaulted = Extract<Entry, { default: unknown }>;

export const INPUT_NAMES: readonly InputName[] = INPUTS.map((i) => i.name);

// ---- The spec machinery, for any resource's list (the ingestion resource has its own) ----------

/** The names of a spec's inputs whose change does `onChange`. */
export function keysWhere(inputs: readonly InputSpec[], onChange: OnChange): readonly string[] {
  return inputs.filter((i) => i.onChange === onChange).map((i) => i.name);
}

/** The names of a spec's secret inputs. */
export function secretKeysOf(inputs: readonly InputSpec[]): readonly string[] {
  return inputs.filter((i) => "secret" in i && i.secret).map((i) => i.name);
}

/** A spec's stored defaults by name, frozen (copy with `structuredClone` before storing one). */
export function defaultsOf(inputs: readonly InputSpec[]): Readonly<Record<string, unknown>> {
  return Object.freeze(
    Object.fromEntries(inputs.flatMap((i) => ("default" in i ? [[i.name, i.default]] : []))),
  );
}

/** By name, for the code that validates one input. */
export const INPUT = Object.fromEntries(INPUTS.map((i) => [i.name, i])) as {
  readonly [E in Entry as E["name"]]: E;
};

const namesWhere = (onChange: OnChange) => keysWhere(INPUTS, onChange) as readonly InputName[];

/** A change to any of these creates a new cancellation (replace). */
export const REPLACE_KEYS = namesWhere("replace");
/** A change to any of these is recorded in place; nothing is sent to the service. */
export const UPDATE_KEYS = namesWhere("update");
export const SECRET_KEYS = secretKeysOf(INPUTS) as readonly InputName[];

/** The stored defaults by name. Shared and frozen: use `defaultOf` for a value to store. */
export const DEFAULTS = defaultsOf(INPUTS) as { readonly [E in Defaulted as E["name"]]: E["default"] };

/** A fresh copy of an input's default, safe to store and mutate. */
export function defaultOf<N extends keyof typeof DEFAULTS>(name: N): (typeof DEFAULTS)[N] {
  return structuredClone(DEFAULTS[name]);
}

export function hasDefault(name: string): name is keyof typeof DEFAULTS {
  return Object.prototype.hasOwnProperty.call(DEFAULTS, name);
}
