// Bearer tokens: issuing, validating and expiring them, and deciding which publishers a token's
// principal may touch.
//
// Tokens are random opaque strings (the real ones are JWTs, but clients must treat them as opaque).
// Only a SHA-256 digest of each token is kept, so neither the request log nor a heap dump of the
// emulator can leak a usable token. Expiry follows the emulated clock.

import { createHash, randomBytes } from "node:crypto";

import type { EmulatedClock } from "./clock";

export interface Principal {
  /** Who the token was issued to, e.g. "demo-tenant/demo-client", "static", "admin". */
  name: string;
  /** Publisher ids the token may touch; "*" means all. */
  publishers: readonly string[];
}

/**
 * The API a token was issued for (its `aud`): a Cloud Partner Portal token is refused by the Product
 * Ingestion routes and the other way round, as the real services do. `undefined` = both (static
 * tokens and admin-issued ones unless asked otherwise, so curl sessions and tests stay simple).
 */
export type Audience = "cpp" | "graph";

/** The resource (v1) / App ID URI (v2 scope without `/.default`) of each audience. */
export const AUDIENCE_RESOURCES: Readonly<Record<Audience, string>> = Object.freeze({
  cpp: "https://cloudpartner.azure.com",
  graph: "https://graph.microsoft.com",
});

interface TokenEntry {
  principal: Principal;
  audience?: Audience;
  issuedAt: number;
  /** Emulated epoch ms; Infinity for static tokens (until expireAll). */
  expiresAt: number;
}

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "missing" | "malformed" | "unknown" | "expired" | "wrongAudience" };

export interface IssuedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const digest = (token: string): string => createHash("sha256").update(token).digest("hex");

export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();

  constructor(
    private readonly clock: EmulatedClock,
    readonly defaultLifetimeSeconds: number,
    staticTokens: Record<string, { publishers: readonly string[] }> = {},
  ) {
    for (const [token, cfg] of Object.entries(staticTokens)) {
      this.tokens.set(digest(token), {
        principal: { name: "static", publishers: [...cfg.publishers] },
        issuedAt: clock.now(),
        expiresAt: Number.POSITIVE_INFINITY,
      });
    }
  }

  issue(
    principal: Principal,
    lifetimeSeconds: number = this.defaultLifetimeSeconds,
    audience?: Audience,
  ): IssuedToken {
    if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
      throw new RangeError(
        `token lifetime must be a positive number of seconds, got ${String(lifetimeSeconds)}`,
      );
    }
    const token = randomBytes(32).toString("base64url");
    const issuedAt = this.clock.now();
    const expiresAt = issuedAt + lifetimeSeconds * 1000;
    this.tokens.set(digest(token), { principal, issuedAt, expiresAt, audience });
    return { token, issuedAt, expiresAt };
  }

  /** Checks an Authorization header value for a route of `audience`. */
  authenticate(header: string | undefined, audience: Audience): AuthResult {
    if (header === undefined || header.trim() === "") return { ok: false, reason: "missing" };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) return { ok: false, reason: "malformed" };
    const entry = this.tokens.get(digest(m[1]));
    if (entry === undefined) return { ok: false, reason: "unknown" };
    if (this.clock.now() >= entry.expiresAt) return { ok: false, reason: "expired" };
    if (entry.audience !== undefined && entry.audience !== audience)
      return { ok: false, reason: "wrongAudience" };
    return { ok: true, principal: entry.principal };
  }

  /** Every token accepted so far, static ones included, is rejected from now on as expired. */
  expireAll(): void {
    const now = this.clock.now();
    for (const entry of this.tokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }
}

export function canAccess(principal: Principal, publisherId: string): boolean {
  return principal.publishers.includes("*") || principal.publishers.includes(publisherId);
}

/**
 * Why a token was refused, in the services' words, and the `WWW-Authenticate` header they send
 * with it; each API wraps them in its own error envelope.
 */
export function refusalOf(
  reason: Exclude<AuthResult, { ok: true }>["reason"],
  audience: Audience,
  authorityUrl: string,
): { message: string; wwwAuthenticate: string } {
  const messages = {
    missing: "The 'Authorization' header is missing.",
    malformed: "The 'Authorization' header must be 'Bearer <token>'.",
    unknown: "The access token is invalid.",
    expired: "The access token has expired.",
    wrongAudience: `The access token was issued for another audience than ${AUDIENCE_RESOURCES[audience]}.`,
  };
  const error = reason === "missing" ? "" : `, error="invalid_token"`;
  return {
    message: `Authentication failed. ${messages[reason]}`,
    wwwAuthenticate: `Bearer authorization_uri="${authorityUrl}/common/oauth2/authorize"${error}`,
  };
}

/**
 * The principal of a request's Authorization header for a route of `audience`; otherwise throws the
 * API's own 401, which `refuse` builds in its envelope from the services' words (refusalOf).
 */
export function authenticate(
  services: { readonly tokens: TokenStore; readonly url: string },
  header: string | undefined,
  audience: Audience,
  refuse: (message: string, wwwAuthenticate: string) => Error,
): Principal {
  const result = services.tokens.authenticate(header, audience);
  if (result.ok) return result.principal;
  const { message, wwwAuthenticate } = refusalOf(result.reason, audience, services.url);
  throw refuse(message, wwwAuthenticate);
}
