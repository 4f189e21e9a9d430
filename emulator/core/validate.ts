// Validation of untrusted JSON: seed files (people write them by hand), admin API bodies and
// TypeScript callers at run time. Every check throws SeedError("<path>: <problem>") naming the
// property that holds the mistake (`publishers.contoso.offers.x.cancelMode`) and what is allowed,
// so a typo such as "cancelmode" fails loudly instead of silently falling back to a default.

type Json = unknown;

export class SeedError extends Error {
  override readonly name = "SeedError";
}

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function describe(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

export function fail(path: string, problem: string): never {
  throw new SeedError(`${path}: ${problem}`);
}

export function expectObject(v: Json, path: string): Record<string, Json> {
  if (!isObject(v)) fail(path, `must be an object, got ${describe(v)}`);
  return v;
}

export function checkKeys(o: Record<string, Json>, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      fail(`${path}.${key}`, `unknown property (allowed: ${allowed.join(", ")})`);
    }
  }
}

export function expectString(v: Json, path: string): string {
  if (typeof v !== "string" || v.length === 0) fail(path, `must be a non-empty string, got ${describe(v)}`);
  return v;
}

export function expectBoolean(v: Json, path: string): boolean {
  if (typeof v !== "boolean") fail(path, `must be true or false, got ${describe(v)}`);
  return v;
}

export function expectEnum<const T extends string>(v: Json, path: string, values: readonly T[]): T {
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    fail(path, `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}, got ${describe(v)}`);
  }
  return v as T;
}

export function expectSeconds(v: Json, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    fail(path, `must be a non-negative number of seconds, got ${describe(v)}`);
  }
  return v;
}

/**
 * Ids end up in URL paths and in the `p$o$n$slot` legacy operation id, so the characters that would
 * make those ambiguous are refused here rather than producing confusing 404s later.
 */
export function checkId(id: string, path: string): void {
  if (id.length === 0 || id.length > 200 || /[/?#%$\s\\]/.test(id) || id === "." || id === "..") {
    fail(path, `${JSON.stringify(id)} is not a usable id (no / ? # % $ \\ or whitespace, 1–200 characters)`);
  }
}
