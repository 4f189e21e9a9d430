/**
 * Text that is safe to echo into a terminal, a log or a pull-request comment: input values
 * quoted back in a check failure never carry control characters, and never run long.
 */

export function safeSnippet(s: string): string {
  const printable = [...s].map((c) => (isControl(c) ? "?" : c)).join("");
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

/** C0 controls and DEL: never valid in ids, and unsafe to echo into a terminal. */
export function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code <= 0x1f || code === 0x7f;
}

export function hasControl(s: string): boolean {
  return [...s].some(isControl);
}

export function hasControlOrSpace(s: string): boolean {
  return hasControl(s) || /\s/.test(s);
}
