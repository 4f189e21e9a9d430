#!/usr/bin/env node
// cpp-emulator: runs the CPP API emulator as a standalone process (for curl sessions, the demo, or
// a user's own CI, the way Azurite stands in for Azure Storage).

import { readFileSync } from "node:fs";

import { isLoopback } from "../provider/core/loopback";
import type { Emulator } from "./api";
import { startEmulator } from "./emulator";
import { SeedError } from "./core/validate";
import { defaultSeed, loadSeedFile, type Seed } from "./seed";
import type { TlsOption } from "./core/tls";

export const USAGE = `Usage: cpp-emulator [options]

A local emulator of the Azure Cloud Partner Portal (CPP) API, the Partner Center Product Ingestion API
(under /rp/product-ingestion/) and their Azure AD token endpoint.

Options:
  --host <host>         interface to listen on (default 127.0.0.1; loopback only unless --allow-remote)
  --port <port>         port to listen on, 0 for any free port (default 8080)
  --seed <file.json>    initial tenants, clients, tokens, publishers and offers (default: built-in seed,
                        see emulator/seed.example.json)
  --time-scale <n>      emulated clock speed; 60 = one real second is one emulated minute (default 1)
  --tls                 serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost, signed by the CA
                        in --ca-dir, else in $CPP_EMULATOR_CA_DIR, else by a CA made at start; prints
                        the CA file for NODE_EXTRA_CA_CERTS (MSAL / @azure/identity need https)
  --ca-dir <dir>        with --tls: sign with <dir>/ca.pem + <dir>/ca-key.pem
  --cert <file>         serve HTTPS with this PEM certificate (implies --tls; needs --key)
  --key <file>          the PEM private key of --cert
  --quiet               do not log requests
  --allow-remote        allow a non-loopback --host (the emulator has well-known secrets and no admin auth)
  -h, --help            show this help

Once listening it prints "CPP emulator listening on <url>", with --tls preceded by
"CPP emulator CA certificate: <file>" (for NODE_EXTRA_CA_CERTS, or curl --cacert <file>). Get a token with
  curl -s -X POST <url>/demo-tenant/oauth2/token -d grant_type=client_credentials \\
    -d client_id=demo-client -d client_secret=demo-secret -d resource=https://cloudpartner.azure.com
or use the static token "emulator-token" of the default seed. Admin API: <url>/_emulator/health.
The Product Ingestion API answers under <url>/rp/product-ingestion/ (tokens for resource
https://graph.microsoft.com; product contoso-ingestion-offer; admin API <url>/_emulator/ingestion/).`;

export interface CliOptions {
  host: string;
  port: number;
  seedFile?: string;
  timeScale: number;
  quiet: boolean;
  allowRemote: boolean;
  help: boolean;
  tls: boolean;
  caDir?: string;
  certFile?: string;
  keyFile?: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    host: "127.0.0.1",
    port: 8080,
    timeScale: 1,
    quiet: false,
    allowRemote: false,
    help: false,
    tls: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    const noValue = () => {
      if (eq !== -1) throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case "--host":
        opts.host = value();
        if (opts.host === "") throw new UsageError("--host needs a value");
        break;
      case "--port": {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port > 65535)
          throw new UsageError(`--port must be an integer from 0 to 65535, got "${raw}"`);
        opts.port = port;
        break;
      }
      case "--seed":
        opts.seedFile = value();
        break;
      case "--time-scale": {
        const raw = value();
        const scale = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(scale) || scale <= 0) {
          throw new UsageError(`--time-scale must be a positive number, got "${raw}"`);
        }
        opts.timeScale = scale;
        break;
      }
      case "--quiet":
        noValue();
        opts.quiet = true;
        break;
      case "--allow-remote":
        noValue();
        opts.allowRemote = true;
        break;
      case "--tls":
        noValue();
        opts.tls = true;
        break;
      case "--ca-dir":
        opts.caDir = value();
        break;
      case "--cert":
        opts.certFile = value();
        opts.tls = true;
        break;
      case "--key":
        opts.keyFile = value();
        opts.tls = true;
        break;
      case "-h":
      case "--help":
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  if ((opts.certFile === undefined) !== (opts.keyFile === undefined))
    throw new UsageError("--cert and --key go together");
  if (opts.caDir !== undefined && opts.certFile !== undefined)
    throw new UsageError("--ca-dir signs a certificate; --cert serves one: pass one of them");
  if (opts.caDir !== undefined) opts.tls = true;
  if (!opts.allowRemote && !isLoopback(opts.host)) {
    throw new UsageError(
      `refusing to listen on non-loopback host "${opts.host}": the emulator is a test double with well-known ` +
        `secrets and an unauthenticated admin API. Pass --allow-remote if you really mean it.`,
    );
  }
  return opts;
}

async function main(): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`cpp-emulator: ${e.message}\nRun "cpp-emulator --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let seed: Seed;
  try {
    seed = opts.seedFile !== undefined ? loadSeedFile(opts.seedFile) : defaultSeed();
  } catch (e) {
    if (e instanceof SeedError) {
      process.stderr.write(`cpp-emulator: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let tls: TlsOption = opts.tls;
  if (opts.certFile !== undefined && opts.keyFile !== undefined) {
    try {
      tls = { cert: readFileSync(opts.certFile, "utf8"), key: readFileSync(opts.keyFile, "utf8") };
    } catch (e) {
      process.stderr.write(`cpp-emulator: cannot read --cert/--key: ${(e as Error).message}\n`);
      return 1;
    }
  } else if (opts.caDir !== undefined) {
    tls = { caDir: opts.caDir };
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      host: opts.host.replace(/^\[(.*)\]$/, "$1"),
      port: opts.port,
      seed,
      timeScale: opts.timeScale,
      quiet: opts.quiet,
      log: (line) => process.stdout.write(`${line}\n`),
      tls,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.syscall !== "listen") {
      // Not a listen error: a bad certificate, key or CA directory.
      process.stderr.write(`cpp-emulator: cannot start: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(
      `cpp-emulator: cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}\n`,
    );
    return 1;
  }
  // The CA line comes first, so whoever waits for the "listening" line already has it.
  if (emulator.caCertPath !== undefined) {
    process.stdout.write(`CPP emulator CA certificate: ${emulator.caCertPath}\n`);
  }
  // One write: a reader that saw the listening line has the ingestion line too.
  process.stdout.write(
    `CPP emulator listening on ${emulator.url}\n` +
      `Product Ingestion API at ${emulator.url}/rp/product-ingestion/\n`,
  );
  // The handlers stay installed until exit: a second signal during shutdown must not fall back to
  // the default action mid-close, it just exits at once. Signal listeners do not keep Node alive.
  const signal = await new Promise<string>((resolve) => {
    let stopping = false;
    const stop = (name: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      resolve(name);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await emulator.close();
  process.stdout.write(`CPP emulator stopped (${signal})\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cpp-emulator: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
