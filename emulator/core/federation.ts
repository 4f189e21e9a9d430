// Workload identity federation: the emulator plays both sides of it.
//
// 1. A test OIDC issuer, the stand-in for GitHub Actions' token.actions.githubusercontent.com or a
//    Kubernetes service-account issuer. It holds one RSA key (made on first use) and mints RS256
//    JWTs through emu.mintFederatedToken() or POST /_emulator/federated-tokens; its discovery
//    document and JWKS are served under <url>/_emulator/oidc (ISSUER_PATH).
// 2. The Entra side: a token request with client_assertion_type=…jwt-bearer and a client_assertion
//    is checked here against the client's federated credentials (seed: tenants.<t>.clients.<c>.
//    federatedCredentials = [{ issuer?, subject, audience? }], issuer defaulting to the emulator's
//    own, audience to api://AzureADTokenExchange), as Entra does: signature, lifetime on the
//    emulated clock (no skew allowance, so tests can step exactly past `exp`), then an exact match
//    of iss, sub and aud against one credential.
//
// Every assertion is verified with the emulator's key whatever its `iss` says: the emulator fetches
// no one's JWKS, so a token "from" another issuer is one it minted with `issuer` set (to test an
// iss mismatch, or a credential that names a real issuer). Nothing here logs or keeps an assertion.

import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";

import type { EmulatedClock } from "./clock";

export const ISSUER_PATH = "/_emulator/oidc";
export const DEFAULT_FEDERATED_AUDIENCE = "api://AzureADTokenExchange";
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** GitHub Actions' tokens live about this long; Kubernetes projected tokens an hour. */
export const DEFAULT_FEDERATED_TOKEN_LIFETIME_SECONDS = 600;

export interface FederatedCredential {
  /** Default: the emulator's own issuer (<url>/_emulator/oidc), which a seed file cannot know. */
  issuer?: string;
  subject: string;
  /** Default api://AzureADTokenExchange. */
  audience?: string;
}

export interface MintOptions {
  subject: string;
  /** Default api://AzureADTokenExchange. */
  audience?: string;
  /** Default 600 (emulated seconds). */
  lifetimeSeconds?: number;
  /** Default: the emulator's own issuer. Set it to test an iss mismatch. */
  issuer?: string;
}

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  nbf?: number;
  iat?: number;
}

/** Why an assertion was refused; entra.ts turns each into AAD's code and message. */
export type AssertionProblem =
  | { kind: "malformed"; detail: string }
  | { kind: "signature"; detail: string }
  | { kind: "lifetime"; now: number; notBefore?: number; expires: number }
  | { kind: "noMatch"; claims: AssertionClaims };

export class AssertionError extends Error {
  constructor(readonly problem: AssertionProblem) {
    super(problem.kind);
  }
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

function decodeJson(part: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part))
    throw new AssertionError({ kind: "malformed", detail: `${what} is not base64url` });
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AssertionError({ kind: "malformed", detail: `${what} is not a JSON object` });
}

export class FederationIssuer {
  private key: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

  constructor(
    private readonly clock: EmulatedClock,
    private readonly baseUrl: () => string,
  ) {}

  /** "<emulator url>/_emulator/oidc". */
  get issuer(): string {
    return `${this.baseUrl()}${ISSUER_PATH}`;
  }

  private signingKey(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
    if (this.key === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      this.key = { privateKey, publicKey, kid: randomUUID() };
    }
    return this.key;
  }

  mint(opts: MintOptions): string {
    if (typeof opts.subject !== "string" || opts.subject === "") {
      throw new RangeError("subject must be a non-empty string");
    }
    const lifetime = opts.lifetimeSeconds ?? DEFAULT_FEDERATED_TOKEN_LIFETIME_SECONDS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new RangeError(`lifetimeSeconds must be a positive number, got ${String(lifetime)}`);
    }
    const key = this.signingKey();
    const now = Math.floor(this.clock.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", kid: key.kid };
    const payload = {
      iss: opts.issuer ?? this.issuer,
      sub: opts.subject,
      aud: opts.audience ?? DEFAULT_FEDERATED_AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + Math.ceil(lifetime),
      jti: randomUUID(),
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = sign("sha256", Buffer.from(signingInput), key.privateKey);
    return `${signingInput}.${b64url(signature)}`;
  }

  /** The JWKS a relying party would fetch from jwks_uri. */
  jwks(): { keys: Record<string, unknown>[] } {
    const key = this.signingKey();
    const jwk = key.publicKey.export({ format: "jwk" });
    return { keys: [{ ...jwk, kid: key.kid, use: "sig", alg: "RS256" }] };
  }

  openidConfiguration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks`,
      subject_types_supported: ["public"],
      response_types_supported: ["id_token"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
      scopes_supported: ["openid"],
    };
  }

  /**
   * Checks a client assertion: form, RS256 signature by this issuer's key, lifetime on the emulated
   * clock, then one of `credentials` matching iss, sub and aud exactly. Throws AssertionError.
   */
  verify(assertion: string, credentials: readonly FederatedCredential[]): AssertionClaims {
    const parts = assertion.split(".");
    if (parts.length !== 3) {
      throw new AssertionError({ kind: "malformed", detail: `${parts.length} parts instead of 3` });
    }
    const header = decodeJson(parts[0], "the header");
    const payload = decodeJson(parts[1], "the payload");
    if (header.alg !== "RS256") {
      throw new AssertionError({
        kind: "malformed",
        detail: `unsupported alg ${JSON.stringify(header.alg)}`,
      });
    }
    const claims = readClaims(payload);
    const key = this.signingKey();
    if (header.kid !== undefined && header.kid !== key.kid) {
      throw new AssertionError({ kind: "signature", detail: "The key was not found." });
    }
    if (!/^[A-Za-z0-9_-]*$/.test(parts[2])) {
      throw new AssertionError({ kind: "malformed", detail: "the signature is not base64url" });
    }
    const valid = verify(
      "sha256",
      Buffer.from(`${parts[0]}.${parts[1]}`),
      key.publicKey,
      Buffer.from(parts[2], "base64url"),
    );
    if (!valid) throw new AssertionError({ kind: "signature", detail: "The signature does not verify." });
    const now = this.clock.now() / 1000;
    if (now >= claims.exp || (claims.nbf !== undefined && now < claims.nbf)) {
      throw new AssertionError({ kind: "lifetime", now, notBefore: claims.nbf, expires: claims.exp });
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const match = credentials.find(
      (c) =>
        (c.issuer ?? this.issuer) === claims.iss &&
        c.subject === claims.sub &&
        audiences.includes(c.audience ?? DEFAULT_FEDERATED_AUDIENCE),
    );
    if (match === undefined) throw new AssertionError({ kind: "noMatch", claims });
    return claims;
  }
}

function readClaims(payload: Record<string, unknown>): AssertionClaims {
  const { iss, sub, aud, exp, nbf, iat } = payload;
  const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const audOk = typeof aud === "string" || (Array.isArray(aud) && aud.every((a) => typeof a === "string"));
  if (typeof iss !== "string" || typeof sub !== "string" || !audOk || !isNumber(exp)) {
    throw new AssertionError({ kind: "malformed", detail: "iss, sub, aud and exp are required" });
  }
  if ((nbf !== undefined && !isNumber(nbf)) || (iat !== undefined && !isNumber(iat))) {
    throw new AssertionError({ kind: "malformed", detail: "nbf and iat must be numbers" });
  }
  return {
    iss,
    sub,
    aud: aud as string | string[],
    exp,
    nbf: nbf as number | undefined,
    iat: iat as number | undefined,
  };
}
