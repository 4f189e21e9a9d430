/**
 * Secrets on the wire. Configure answers `acceptSecrets: true`, so the engine sends every secret
 * value (in olds, news and stored properties alike) wrapped in an object marked with the
 * protocol's secret signature, and keeps a value secret in state only if the provider returns it
 * wrapped the same way. The lifecycle works on plain values: {@link unwrapSecrets} on the way in,
 * {@link wrapSecretKeys} (the spec's `secretKeys`, e.g. `accessToken`) on the way out
 * (docs/design.md "Credentials": a token never sits in state unencrypted).
 */

/** The key and value that mark a wrapped special value (the protocol's "signature" key). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** The serialized dynamic provider that outputs migrated from 0.3.0 still hold (docs/design.md §8). */
const SERIALIZED_PROVIDER_KEY = "__provider";

function isSecretWrapper(v: unknown): v is { value?: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The same value with every wrapped secret, at any depth, replaced by its plain value. */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecretWrapper(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** Whether any value in `v` arrived wrapped as a secret. */
export function containsSecret(v: unknown): boolean {
  if (isSecretWrapper(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

/** A copy of `props` with the values under `keys` wrapped as secrets (absent keys stay absent). */
export function wrapSecretKeys(
  props: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  const out = { ...props };
  for (const k of keys) {
    if (out[k] !== undefined && !isSecretWrapper(out[k])) out[k] = { [SIG_KEY]: SECRET_SIG, value: out[k] };
  }
  return out;
}

/**
 * Plain properties for the lifecycle: secrets unwrapped, and the serialized dynamic provider of a
 * migrated record dropped (this plugin is the provider now; nothing reads it).
 */
export function plainProperties(props: Record<string, unknown>): Record<string, unknown> {
  const { [SERIALIZED_PROVIDER_KEY]: _dropped, ...rest } = unwrapSecrets(props) as Record<string, unknown>;
  return rest;
}
