/**
 * The provider's `diff`, explicit on purpose (docs/design.md, "diff"): which input changes mean
 * "cancel again" (a replacement), which are settings recorded in place without any API call,
 * and which are nothing at all. Provider code changes (`__provider`) and the access token are
 * never differences: a new package version or a fresh token must not re-fire a cancellation.
 * Which input does what is the resource's spec (inputSpec.ts `onChange`).
 */
import { UNKNOWN } from "./checks";
import type { SpecFacts } from "./inputSpec";

export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  /** The in-place changes, for messages and tests. */
  updates: string[];
  deleteBeforeReplace: boolean;
}

/** What diff needs of a resource's spec. */
export type DiffSpec = Pick<SpecFacts, "replaceKeys" | "updateKeys" | "defaults">;

/**
 * Compares the recorded state (`olds`, outputs echo the normalized inputs) with checked `news`,
 * by the resource's spec.
 */
export function diffInputs(
  spec: DiffSpec,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): DiffOutcome {
  const differs = (a: unknown, b: unknown, key: string) => differsBySpec(spec.defaults, a, b, key);
  const replaces = spec.replaceKeys.filter((k) => differs(olds[k], news[k], k));
  const updates = spec.updateKeys.filter((k) => differs(olds[k], news[k], k));
  // A cancellation left waiting by a timeout must reach `update` to resume; the engine also
  // forces that for resources with init errors, this keeps the preview honest about it.
  const pending = olds.status === "pending" && replaces.length === 0;
  return {
    changes: replaces.length > 0 || updates.length > 0 || pending,
    replaces: [...replaces],
    updates: [...updates],
    // The old resource's delete is a no-op (or, for when=destroy, a cancel that the replacement
    // would repeat); deleting first keeps at most one cancellation of a target in flight.
    deleteBeforeReplace: replaces.length > 0,
  };
}

function differsBySpec(defaults: DiffSpec["defaults"], a: unknown, b: unknown, key: string): boolean {
  if (b === UNKNOWN || (b !== undefined && JSON.stringify(b).includes(UNKNOWN))) return true;
  return stableJson(normalizeDefault(defaults, key, a)) !== stableJson(normalizeDefault(defaults, key, b));
}

/**
 * Absent and default are the same thing, for every input the spec gives a default: older (or
 * partial) state may lack a field that `check` now fills in, and that must not read as a change.
 */
function normalizeDefault(defaults: DiffSpec["defaults"], key: string, v: unknown): unknown {
  if (v === null) return undefined;
  const hasDefault = Object.prototype.hasOwnProperty.call(defaults, key);
  if (v !== undefined && hasDefault && stableJson(v) === stableJson(defaults[key])) return undefined;
  return v;
}

/** JSON with sorted object keys, so `{a,b}` and `{b,a}` compare equal. */
export function stableJson(v: unknown): string {
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : value,
  );
}
