/**
 * The one sanitizer for text that came from elsewhere (docs/design.md "Text from the service"): status
 * values, step names, messages, error bodies and codes, header-derived text, Node network errors.
 * Whatever the service sends may repeat the caller's credentials or carry terminal escape
 * sequences, and it all ends up in a terminal, a CI log, a pull-request comment or the state.
 * Every such string passes through {@link sanitize} before it is printed, thrown or stored.
 */

/* eslint-disable no-control-regex -- finding control characters is what this module is for */

export interface SanitizeOptions {
  /** Longest result, in characters (an ellipsis marks a cut). Default {@link MESSAGE_LENGTH}. */
  maxLength?: number;
}

/** Service messages and error bodies: long enough to read, short enough for a progress line. */
export const MESSAGE_LENGTH = 500;
/** Status values, step names, ids, codes: a name, not a paragraph. */
export const NAME_LENGTH = 200;

/**
 * Secrets shorter than this are not searched for: a value of a few characters would blank out
 * ordinary words, and no bearer token or client secret is that short.
 */
const MIN_SECRET_LENGTH = 6;

// Terminal escape sequences, in their 7-bit (ESC ...) and 8-bit (C1) forms. The whole sequence
// goes, not only its introducer: "\x1b[31m" stripped of ESC alone would leave "[31m" behind.
/** OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 0x9c), or to the next ESC. */
const STRING_SEQUENCE = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
/** CSI: parameters, intermediates, one final byte (colours, cursor moves, screen clears). */
const CSI_SEQUENCE = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
/** Any other escape: ESC, intermediates, one final byte. */
const OTHER_ESCAPE = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
/** Line breaks and tabs read as spaces; the lines we print are one line each. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/**
 * What is left of the controls (C0, DEL, C1) and the invisible format characters (bidi overrides,
 * zero-width characters): removed. Removing the invisible ones before redaction also means a
 * token split by a zero-width space is still found.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** Credentials by shape, for tokens we never saw (another user's, an earlier one). */
const CREDENTIAL_SHAPES: [RegExp, string][] = [
  [/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, "$1<redacted>"],
  [/("?(?:access_token|client_secret|refresh_token|id_token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, "$1<redacted>"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "<redacted-jwt>"],
];

/**
 * Text safe to print, throw or store: escape sequences and control characters removed, every
 * secret given (the tokens sent, the configured secrets) and anything shaped like a credential
 * redacted, whitespace collapsed, length capped. Secrets are redacted before stripping (a
 * sequence swallows the characters after its introducer, so "ESC [" right before a token would
 * eat its first letters and leave the rest unrecognised) and again after it (a token split by an
 * escape sequence or an invisible character is whole only then). The cap runs last, so it never
 * cuts a token in two before it was redacted. Any other encoding of a secret (reversed, base64)
 * is beyond any redaction; what is redacted is what a service echoing its input would send.
 */
export function sanitize(
  text: unknown,
  secrets: readonly string[] = [],
  options: SanitizeOptions = {},
): string {
  const raw = typeof text === "string" ? text : text === undefined || text === null ? "" : String(text);
  // Longest first: a secret that contains another is replaced whole.
  const known = secrets.filter((s) => s && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const stripped = redact(raw, known)
    .replace(STRING_SEQUENCE, "")
    .replace(CSI_SEQUENCE, "")
    .replace(OTHER_ESCAPE, "")
    .replace(BREAKS, " ")
    .replace(INVISIBLE, "");
  const out = redact(stripped, known).replace(/\s+/g, " ").trim();
  const max = options.maxLength ?? MESSAGE_LENGTH;
  const chars = [...out];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : out;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("<redacted>");
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** Whether the text holds one of the secrets (a URL that would put a token into the state). */
export function containsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => s.length >= MIN_SECRET_LENGTH && text.includes(s));
}

/** A sanitizer bound to the secrets of one client, as the client and its callers use it. */
export type Sanitizer = (text: unknown, options?: SanitizeOptions) => string;

export function sanitizerFor(secrets: () => readonly string[]): Sanitizer {
  return (text, options) => sanitize(text, secrets(), options);
}
