/**
 * `npm run bench`: polling efficiency, fleet `pulumi up`, preview, state size and the
 * provider process, against the local CPP emulator and the real Pulumi engine. Writes
 * `bench/results.md`, `bench/polling.svg` and `bench/fleet.svg`, and prints the figures.
 * Settings: environment variables, see `config.ts`. No timing is asserted anywhere; the only
 * assertion is that `pulumi preview` sends one read-only request per new cancellation with the
 * preview lookup on, and none with it off or for resources without a change.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePulumi } from "../tools/engine/ensurePulumi";
import { EngineStack } from "../tools/engine/stack";
import type { Emulator } from "../emulator";
import { ALL_SECTIONS, BenchConfig, fleetRunsFor, readConfig, scaleFor } from "./config";
import {
  FleetOptions,
  engineParallelDefault,
  fleetUp,
  measureOneRequest,
  previews,
  startupFacts,
  stateFacts,
} from "./fleet";
import { runIngestion } from "./ingestion";
import { runNote, spliceSections } from "./merge";
import { nativeProblems, runNative } from "./native";
import { closeQuietly, runPolling } from "./polling";
import { previewComparison } from "./preview";
import { fleetChart } from "./fleetReport";
import { pollingChart } from "./pollingReport";
import { markdown } from "./report";
import type { BenchResults } from "./results";
import { fmt, nowMs } from "./stats";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

const t0 = nowMs();
function log(line: string): void {
  process.stdout.write(`[bench +${((nowMs() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
}

/** Which code was measured: HEAD plus any uncommitted changes under the measured directories. */
function codeUnderTest(): string {
  try {
    const git = (...args: string[]) =>
      // trimEnd: the porcelain lines start with their status column (" M path").
      execFileSync("git", ["-C", REPO_ROOT, ...args], { encoding: "utf8" }).trimEnd();
    const head = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", "provider", "emulator", "tools/engine", "bin")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3));
    return dirty.length ? `${head} + uncommitted changes in ${dirty.join(", ")}` : `${head} (clean)`;
  } catch {
    return "unknown (no git)";
  }
}

function commandLine(config: BenchConfig): string {
  const env = Object.entries(config.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${/^[\w.,:/-]*$/.test(v) ? v : JSON.stringify(v)}`);
  return [...env, "npm run bench"].join(" ");
}

async function main(): Promise<number> {
  const config = readConfig(REPO_ROOT);
  // A parallelism set in the caller's shell would silently change the engine default we measure.
  delete process.env.PULUMI_PARALLEL;
  log(
    `settings: ${commandLine(config)}; sections ${[...config.sections].join(",")}; output ${config.outDir}`,
  );
  const engine = await ensurePulumi({ log: (l) => log(l) });
  const results: BenchResults = {
    startedAt: new Date(t0).toISOString(),
    wallS: 0,
    command: commandLine(config),
    machine: {
      nproc: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? "?",
      memoryGiB: os.totalmem() / 1024 ** 3,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      engineVersion: engine.version,
      engineSource: engine.source,
      pulumiSdk: (require("@pulumi/pulumi/package.json") as { version: string }).version,
      loadStart: os.loadavg(),
      code: codeUnderTest(),
    },
    config,
    fleet: [],
    previews: [],
    problems: [],
  };
  results.engine = await engineParallelDefault(engine);
  results.oneRequestS = await measureOneRequest();
  log(
    `engine v${engine.version} (${engine.source}); --parallel default ${results.engine.defaultParallel}; one request ${fmt(results.oneRequestS * 1000)} ms`,
  );

  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const message = `${what} failed: ${(err as Error).stack ?? String(err)}`;
      results.problems.push(`${what} failed: ${(err as Error).message.split("\n")[0]}`);
      log(message);
    }
  };

  if (config.sections.has("polling")) {
    await attempt("polling", async () => {
      results.polling = await runPolling(
        {
          durations: config.durations,
          runs: config.pollRuns,
          retryAfter: config.retryAfter,
          scaleFor: (d) => scaleFor(config, d),
        },
        log,
      );
      for (const c of results.polling.cells) {
        if (c.reused) continue;
        log(
          `polling D=${c.durationS}s ${c.retryAfterS === undefined ? "no RA" : `RA=${c.retryAfterS}s`} ${c.strategy}: ` +
            `requests ${fmt(c.requests.median)}, latency ${fmt(c.latencyS.median)} s (${fmt(c.latencyS.min)}–${fmt(c.latencyS.max)})`,
        );
      }
    });
  }

  if (config.sections.has("ingestion")) {
    await attempt("ingestion", async () => {
      const { ingestionDurations: durations, ingestionRuns: runs, ingestionTimeScale: timeScale } = config;
      results.ingestion = await runIngestion({ durations, runs, timeScale }, log);
      for (const c of results.ingestion.cells) {
        log(
          `ingestion D=${c.durationS}s ${c.strategy}: requests ${fmt(c.requests.median)}, latency ${fmt(c.latencyS.median)} s (${fmt(c.latencyS.min)}–${fmt(c.latencyS.max)})`,
        );
      }
    });
  }

  const opts: FleetOptions = { engine, cancelSeconds: config.fleetD, log };
  const def = results.engine.defaultParallel ?? 8;
  let kept: { stack: EngineStack; emu: Emulator; n: number } | undefined;
  const wantKeep = config.sections.has("preview");

  if (config.sections.has("fleet")) {
    for (const n of config.fleetSizes) {
      const modes: (number | undefined)[] = [undefined];
      if (config.fleetCompare && n > def) modes.push(n);
      for (const parallel of modes) {
        const runs = parallel === undefined ? fleetRunsFor(config, n) : 1;
        for (let run = 0; run < runs; run++) {
          const keep =
            wantKeep && n === config.previewN && parallel === modes[modes.length - 1] && run === runs - 1;
          await attempt(`fleet N=${n} parallel=${parallel ?? "default"} run ${run + 1}`, async () => {
            const out = await fleetUp(n, parallel, run, opts, keep);
            results.fleet.push(out.result);
            const f = out.result;
            log(
              `fleet N=${n} parallel=${parallel ?? `default(${def})`} run ${run + 1}/${runs}: CLI ${fmt(f.cliWallS)} s ` +
                `(÷ideal ${fmt(f.ratio)}), API ${fmt(f.apiWallS)} s, requests ${f.requests.total}, peak concurrent ${f.peakConcurrent}, ` +
                `per resource ${fmt(f.perResourceS)} s, POST spread ${fmt(f.postSpreadS)} s, tail ${fmt(f.tailS ?? NaN)} s, plugin start→first request ${fmt(f.plugin.startToFirstRequestS ?? NaN)} s, ` +
                `peak VmHWM ${fmt(f.plugin.peakHwmMiB)} MiB`,
            );
            if (out.stack && out.emu) kept = { stack: out.stack, emu: out.emu, n };
          });
        }
      }
    }
  }

  if (config.sections.has("fleet") && config.fleetSkipCheckpoints) {
    // Evidence for the tail after the last request: the same largest fleet without intermediate checkpoints.
    const n = Math.max(...config.fleetSizes);
    await attempt(`fleet N=${n} parallel=${n} PULUMI_SKIP_CHECKPOINTS`, async () => {
      const out = await fleetUp(n, n, 0, opts, false, { PULUMI_SKIP_CHECKPOINTS: "true" });
      results.fleet.push(out.result);
      const f = out.result;
      log(
        `fleet N=${n} parallel=${n} PULUMI_SKIP_CHECKPOINTS=true: CLI ${fmt(f.cliWallS)} s (÷ideal ${fmt(f.ratio)}), ` +
          `last request → CLI exit ${fmt(f.tailS ?? NaN)} s`,
      );
    });
  }

  if (config.sections.has("preview")) {
    await attempt("preview (new resources: lookup on, off, no-op floor)", async () => {
      for (const p of await previewComparison(config.previewN, config.previewRuns, opts)) {
        results.previews.push(p);
        log(
          `preview ${p.kind} N=${p.n}: wall ${p.wallS.map((x) => fmt(x)).join(", ")} s; requests to the service: ${p.requests.join(", ")}`,
        );
      }
    });
    await attempt("preview (deployed stack)", async () => {
      if (!kept) {
        const out = await fleetUp(config.previewN, config.previewN, 0, opts, true);
        kept = { stack: out.stack!, emu: out.emu!, n: config.previewN };
      }
      const p = await previews(
        kept.stack,
        kept.emu,
        kept.n,
        "deployed stack (check + diff)",
        config.previewRuns,
      );
      results.previews.push({ ...p, expectedRequests: 0 });
      log(
        `preview deployed N=${p.n}: wall ${p.wallS.map((x) => fmt(x)).join(", ")} s; requests to the service: ${p.requests.join(", ")}`,
      );
    });
    if (kept) {
      await attempt("state", async () => {
        results.state = await stateFacts(kept!.stack);
        const s = results.state;
        log(
          `state: ${s.n} resources, ${fmt(s.bytesPerResource)} B per resource, __provider ${s.providerChars} chars × ${s.providerCopies}`,
        );
      });
    }
  }
  if (kept) {
    await kept.stack.cleanup();
    await closeQuietly(kept.emu);
  }

  if (config.sections.has("startup")) {
    await attempt("provider start-up", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pmc-bench-startup-"));
      try {
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        results.startup = await startupFacts(engine, dir, config.startupRuns);
        const s = results.startup;
        log(
          `start-up: plugin ready ${s.pluginReadyMs.map((x) => fmt(x)).join(", ")} ms; require(lifecycle) ${s.lifecycleRequireMs.map((x) => fmt(x)).join(", ")} ms; bare node ${s.nodeBareMs.map((x) => fmt(x)).join(", ")} ms`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  if (config.sections.has("native")) {
    await attempt("native", async () => {
      const { nativeN: n, nativeRuns: previewRuns, nativeFleetRuns: fleetRuns, startupRuns } = config;
      results.native = await runNative({ n, previewRuns, fleetRuns, startupRuns }, opts, attempt);
      results.problems.push(...nativeProblems(results.native));
    });
  }

  const previewFailed = results.previews.some((p) => p.requests.some((n) => n !== p.expectedRequests));
  if (previewFailed)
    results.problems.push(
      "ASSERTION FAILED: `pulumi preview` sent other than one request per new cancellation (none with the lookup off, none for unchanged resources).",
    );
  results.machine.loadEnd = os.loadavg();
  results.wallS = (nowMs() - t0) / 1000;

  fs.mkdirSync(config.outDir, { recursive: true });
  const md = markdown(results);
  // Some sections only, into a page that holds a run: replace just those (bench/merge.ts).
  const page = path.join(config.outDir, "results.md");
  const partial = ALL_SECTIONS.some((s) => !config.sections.has(s)) && fs.existsSync(page);
  fs.writeFileSync(page, partial ? spliceSections(fs.readFileSync(page, "utf8"), md, runNote(results)) : md);
  if (results.polling)
    fs.writeFileSync(path.join(config.outDir, "polling.svg"), pollingChart(results, results.polling));
  if (results.fleet.length) fs.writeFileSync(path.join(config.outDir, "fleet.svg"), fleetChart(results));
  // The raw numbers, for digging; not a results file of the repository.
  const raw = path.join(os.tmpdir(), `pmc-bench-raw-${process.pid}.json`);
  fs.writeFileSync(raw, JSON.stringify(results, replacer));

  process.stdout.write(`\n${md}\n`);
  log(
    `${partial ? "updated the measured sections of" : "wrote"} ${page} (+ SVGs; raw numbers in ${raw}); total ${fmt(results.wallS / 60)} min`,
  );
  for (const p of results.previews) {
    log(
      `ASSERT preview ${p.kind} N=${p.n}: requests to the service = ${p.requests.join(", ")} → ${p.requests.every((n) => n === p.expectedRequests) ? `OK (${p.expectedRequests})` : `FAILED (expected ${p.expectedRequests})`}`,
    );
  }
  return results.problems.length ? 1 : 0;
}

/** Sets and Maps in the raw JSON dump; per-request RTT lists are left out. */
function replacer(key: string, value: unknown): unknown {
  if (key === "rttMs") return undefined;
  if (value instanceof Set) return [...value];
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
