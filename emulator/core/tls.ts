// HTTPS for the emulator. MSAL (under @azure/identity) only talks to an https authority, so the
// emulator can serve TLS with a certificate for 127.0.0.1, ::1 and localhost:
//
//   tls: true              a leaf signed by a CA. The CA is the one in $CPP_EMULATOR_CA_DIR when that
//                          is set (the test scripts set it, see tools/tls/withTestCa.ts), else a fresh
//                          CA made for this process only.
//   tls: { caDir }         a leaf signed by the CA in <caDir>/ca.pem + <caDir>/ca-key.pem.
//   tls: { cert, key, ca? } the given PEMs as they are; `ca` (else `cert` itself) is what clients trust.
//
// Whatever the case, the CA certificate PEM ends up in a file (emu.caCertPath) so that a client
// process can be started with NODE_EXTRA_CA_CERTS=<that file>. Node reads NODE_EXTRA_CA_CERTS once,
// at process start, so a process that did not start with it cannot trust a CA made later: that is
// why tests use the stable CA of CPP_EMULATOR_CA_DIR. Certificates are made with `selfsigned`
// (WebCrypto underneath), EC P-256 / SHA-256, which takes a few tens of milliseconds.

import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The TLS choice of EmulatorOptions.tls. */
export type TlsOption =
  | boolean
  | { caDir: string }
  | {
      /** PEM of the server certificate (a chain may follow it). */
      cert: string;
      /** PEM of its private key. */
      key: string;
      /** PEM of the CA clients should trust; default: `cert` (a self-signed certificate). */
      ca?: string;
    };

/** The environment variable naming a CA directory that `tls: true` signs its leaf with. */
export const CA_DIR_ENV = "CPP_EMULATOR_CA_DIR";
export const CA_CERT_FILE = "ca.pem";
export const CA_KEY_FILE = "ca-key.pem";

export interface TlsMaterial {
  cert: string;
  key: string;
  /** A file holding the PEM clients trust (NODE_EXTRA_CA_CERTS). */
  caCertPath: string;
}

export interface CaPair {
  cert: string;
  key: string;
}

/** The names the emulator's certificate is valid for: it only ever listens on loopback by default. */
const ALT_NAMES = [
  { type: 2 as const, value: "localhost" },
  { type: 7 as const, ip: "127.0.0.1" },
  { type: 7 as const, ip: "::1" },
];

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

type Selfsigned = typeof import("selfsigned");
// Loaded on first use: processes that never serve TLS do not pay for the X.509 libraries.
const selfsigned = (): Selfsigned => require("selfsigned") as Selfsigned;

/** A new self-signed CA, valid for `days`, that may only sign (no TLS server use of its own). */
export async function generateCa(commonName: string, days: number): Promise<CaPair> {
  const now = Date.now();
  const pems = await selfsigned().generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - HOUR_MS),
    notAfterDate: new Date(now + days * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A server certificate for localhost, 127.0.0.1 and ::1, signed by `ca`. */
export async function generateLeaf(ca: CaPair, days = 365): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const pems = await selfsigned().generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - HOUR_MS),
    notAfterDate: new Date(now + days * DAY_MS),
    ca,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: ALT_NAMES },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Reads <dir>/ca.pem and <dir>/ca-key.pem; the message says how to make them when missing. */
export function readCaDir(dir: string): CaPair {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new Error(
      `no CA in ${dir} (expected ${CA_CERT_FILE} and ${CA_KEY_FILE}); make one with "node dist/tools/tls/testCa.js"`,
    );
  }
  return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}

/** One leaf per CA per process: every emulator of a test run shares it, so only the first pays. */
const leaves = new Map<string, Promise<{ cert: string; key: string }>>();
let processCa: Promise<{ pair: CaPair; certPath: string }> | undefined;

function leafFor(ca: CaPair): Promise<{ cert: string; key: string }> {
  let leaf = leaves.get(ca.cert);
  if (leaf === undefined) {
    leaf = generateLeaf(ca);
    leaves.set(ca.cert, leaf);
    leaf.catch(() => leaves.delete(ca.cert));
  }
  return leaf;
}

/** A CA for this process only, its certificate in a temporary directory removed at exit. */
function ephemeralCa(): Promise<{ pair: CaPair; certPath: string }> {
  processCa ??= generateCa("CPP emulator ephemeral CA", 30).then((pair) => ({
    pair,
    certPath: tempCaFile(pair.cert),
  }));
  return processCa;
}

/** Temporary directories holding a CA file; removed when the process exits. */
const tempDirs = new Set<string>();

function tempCaFile(pem: string): string {
  if (tempDirs.size === 0) {
    process.once("exit", () => {
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "cpp-emulator-ca-"));
  tempDirs.add(dir);
  const path = join(dir, CA_CERT_FILE);
  writeFileSync(path, pem, { mode: 0o644 });
  return path;
}

function checkPem(pem: string, what: string): void {
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw new Error(`tls.${what} is not a PEM certificate: ${(e as Error).message}`);
  }
}

/** Resolves EmulatorOptions.tls into what the HTTPS server needs; undefined = plain HTTP. */
export async function resolveTls(option: TlsOption | undefined): Promise<TlsMaterial | undefined> {
  if (option === undefined || option === false) return undefined;
  if (option === true) {
    const dir = process.env[CA_DIR_ENV];
    if (dir !== undefined && dir !== "") return resolveTls({ caDir: dir });
    const ca = await ephemeralCa();
    return { ...(await leafFor(ca.pair)), caCertPath: ca.certPath };
  }
  if ("caDir" in option) {
    const ca = readCaDir(option.caDir);
    return { ...(await leafFor(ca)), caCertPath: join(option.caDir, CA_CERT_FILE) };
  }
  checkPem(option.cert, "cert");
  const trusted = option.ca ?? option.cert;
  if (option.ca !== undefined) checkPem(option.ca, "ca");
  return { cert: option.cert, key: option.key, caCertPath: tempCaFile(trusted) };
}

/** Writes a new CA into `dir` (created 0700; the key file 0600). Returns the certificate's path. */
export async function writeCaDir(dir: string, commonName: string, days: number): Promise<string> {
  const ca = await generateCa(commonName, days);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, CA_KEY_FILE), ca.key, { mode: 0o600 });
  writeFileSync(join(dir, CA_CERT_FILE), ca.cert, { mode: 0o644 });
  return join(dir, CA_CERT_FILE);
}
