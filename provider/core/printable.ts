/**
 * Text that is safe to echo into a terminal, a log or a pull-request comment: input values
 * quoted back in a check failure never carry control characters, and never run long.
 */

export function safeSnippet(s: string): string {
  const printable = [...s].map((c) => (isControl(c) ? "?" : c)).join("");
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

/**
 * Controls (C0, DEL, C1: the 8-bit escape introducers among them) and invisible format characters
 * (bidi overrides such as U+202E, zero-width characters): never valid in ids, and unsafe to echo
 * into a terminal or a pull-request comment, where they reorder or hide what the reviewer reads.
 */
const CONTROL_OR_FORMAT = /^[\p{Cc}\p{Cf}]$/u;

export function isControl(c: string): boolean {
  return CONTROL_OR_FORMAT.test(c);
}

/**
 * Any input value as a short printable snippet, the way it would be written in a program: a
 * string quoted, anything else as JSON where it has one, else its type. Never throws (a
 * null-prototype object has no `toString`, a bigint no JSON).
 */
export function snippetOf(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(safeSnippet(value));
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return safeSnippet(text ?? typeof value);
}

export function hasControl(s: string): boolean {
  return [...s].some(isControl);
}

export function hasControlOrSpace(s: string): boolean {
  return hasControl(s) || /\s/.test(s);
}
