// The test CA: how the test processes trust the HTTPS emulator.
//
// Node reads NODE_EXTRA_CA_CERTS once, when a process starts, and @azure/identity makes its own https
// agents, so the trust cannot be added from inside a running mocha. Instead one CA is made once per
// checkout, at a fixed path (node_modules/.cache/pulumi-marketplace-cancel/test-ca/, so `npm ci`
// and a fresh clone start over and git never sees it), and the test scripts start mocha through
//
//   node dist/tools/tls/testCa.js --exec mocha [args…]
//
// which makes the CA when missing or near its end, then runs the command with
//   NODE_EXTRA_CA_CERTS=<a bundle: the test CA plus any NODE_EXTRA_CA_CERTS already set>
//   CPP_EMULATOR_CA_DIR=<the CA directory>  (startEmulator({ tls: true }) and `cpp-emulator --tls`
//                                            sign their certificate with it)
// Child processes (the Pulumi engine, the dynamic provider it spawns, a CLI emulator) inherit both.
// Without --exec it prints the CA certificate's path. The CA key never leaves that directory (0700,
// key 0600); the CA is trusted only by processes started with the variable, not by the machine.

import { spawn } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join, resolve } from "node:path";

import { CA_CERT_FILE, CA_DIR_ENV, CA_KEY_FILE, writeCaDir } from "../../emulator/core/tls";

/** The checkout: the first directory with a package.json above this file (dist/ or not). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json")) || /[\\/]dist$/.test(dir)) {
    const parent = resolve(dir, "..");
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export const TEST_CA_DIR = join(repoRoot(), "node_modules", ".cache", "pulumi-marketplace-cancel", "test-ca");
const CA_DAYS = 5 * 365;
/** A CA this close to its end is replaced, so no test run meets an expiry. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function usable(dir: string): boolean {
  try {
    readFileSync(join(dir, CA_KEY_FILE));
    const cert = new X509Certificate(readFileSync(join(dir, CA_CERT_FILE)));
    return new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/** Makes the test CA unless a usable one is there; returns its directory. Safe to race. */
export async function ensureTestCa(dir: string = TEST_CA_DIR): Promise<string> {
  if (usable(dir)) return dir;
  const parent = resolve(dir, "..");
  mkdirSync(parent, { recursive: true });
  // Made aside and renamed into place, so a concurrent run never reads half a CA.
  const staging = mkdtempSync(join(parent, ".test-ca-"));
  try {
    await writeCaDir(staging, "pulumi-marketplace-cancel test CA (emulator only)", CA_DAYS);
    if (existsSync(dir) && !usable(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Someone else's CA got there first: use theirs.
      if (!usable(dir)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Bundles are `bundle-<digest of their content>.pem` in the CA directory. */
const BUNDLE_PREFIX = "bundle-";

/**
 * The environment a test process needs to trust (and an emulator to use) the test CA.
 *
 * Each bundle is a file named by its content and never rewritten: a process that starts this
 * with another NODE_EXTRA_CA_CERTS (a test that drops the machine's bundle, say) gets a bundle of
 * its own instead of replacing the one every other process of the run is reading. Replacing it
 * once cost a whole leg: the npm of the Node 24 and 26 legs trusts the registry's CA only
 * through that variable.
 */
export function testCaEnv(dir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const caPem = readFileSync(join(dir, CA_CERT_FILE), "utf8");
  const existing = env.NODE_EXTRA_CA_CERTS;
  // Already one of ours (a nested --exec): it holds the test CA and whatever came before it.
  if (
    existing !== undefined &&
    dirname(resolve(existing)) === dir &&
    basename(existing).startsWith(BUNDLE_PREFIX)
  ) {
    return { ...env, [CA_DIR_ENV]: dir };
  }
  let bundle = caPem;
  if (existing !== undefined && existing !== "") {
    try {
      bundle = `${readFileSync(existing, "utf8").trimEnd()}\n${caPem}`;
    } catch {
      // An unreadable file would only have produced Node's warning: keep the test CA alone.
    }
  }
  const digest = createHash("sha256").update(bundle).digest("hex").slice(0, 16);
  const bundlePath = join(dir, `${BUNDLE_PREFIX}${digest}.pem`);
  if (!existsSync(bundlePath)) {
    // Written aside and renamed, so a process starting meanwhile never reads half a bundle.
    const staging = `${bundlePath}.${process.pid}`;
    writeFileSync(staging, bundle, { mode: 0o644 });
    renameSync(staging, bundlePath);
  }
  return { ...env, NODE_EXTRA_CA_CERTS: bundlePath, [CA_DIR_ENV]: dir };
}

async function main(argv: string[]): Promise<number> {
  const dir = await ensureTestCa();
  if (argv.length === 0) {
    process.stdout.write(`${join(dir, CA_CERT_FILE)}\n`);
    return 0;
  }
  if (argv[0] !== "--exec" || argv.length < 2) {
    process.stderr.write("usage: node dist/tools/tls/testCa.js [--exec <command> [args…]]\n");
    return 2;
  }
  const env = testCaEnv(dir);
  // As under `npm run`: the project's own bin directory first, so `--exec mocha` works from a shell.
  env.PATH = `${join(repoRoot(), "node_modules", ".bin")}${delimiter}${env.PATH ?? ""}`;
  const child = spawn(argv[1], argv.slice(2), {
    stdio: "inherit",
    env,
    shell: process.platform === "win32",
  });
  // Ctrl-C reaches the child through the terminal's process group; a TERM sent to this process alone
  // is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGTERM", forward);
  process.on("SIGINT", () => undefined);
  return new Promise((done) => {
    child.on("error", (e) => {
      process.stderr.write(`cannot run ${argv[1]}: ${e.message}\n`);
      done(127);
    });
    child.on("exit", (code, signal) => done(code ?? (signal !== null ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`testCa: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
