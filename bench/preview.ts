/**
 * Section 3 — `pulumi preview --diff` of N new resources, three ways in the same run (docs/design.md "The preview lookup"):
 * N cancellations with the preview lookup (one read-only request each, `check` waits for it),
 * the same N with `marketplace:previewLookup` = `false`, and N no-op dynamic resources — the
 * engine's own floor for N dynamic resources through one provider process. The runs of the
 * three alternate (A, B, C, A, B, C, …), so load on the machine falls on all of them alike.
 */
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../emulator";
import { EngineStack } from "../tools/engine/stack";
import { FleetOptions, PreviewRuns, fleetProgram, fleetSeed } from "./fleet";
import { closeQuietly } from "./polling";
import { median, nowMs } from "./stats";

/** A preview series and the requests it must send to the service (per run). */
export interface PreviewSeries extends PreviewRuns {
  expectedRequests: number;
  /** What the diff block showed for the first resource: `runningNow` or not (lookup kinds only). */
  shown?: boolean;
}

export const KIND_LOOKUP = "new cancellations, lookup on";
export const KIND_NO_LOOKUP = "new cancellations, previewLookup=false";
export const KIND_NOOP = "new no-op dynamic resources (engine floor)";

const STATIC_TOKEN = "bench-static-token";

/** The cheapest dynamic provider there is: check echoes, create returns. */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async create() {
    return { id: "noop", outs: {} };
  },
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: { value: number }) {
    super(noopProvider, name, props, {}, "bench", "Noop");
  }
}

export function noopProgram(n: number) {
  return async () => {
    for (let i = 0; i < n; i++) new Noop(`noop-${i}`, { value: i });
  };
}

export async function previewComparison(
  n: number,
  runs: number,
  opts: FleetOptions,
): Promise<PreviewSeries[]> {
  const emu = await startEmulator({ seed: fleetSeed(n, opts.cancelSeconds) });
  const stacks: EngineStack[] = [];
  try {
    const make = async (name: string, program: () => Promise<void>, config: Record<string, string>) => {
      const s = await EngineStack.create({
        engine: opts.engine,
        program,
        projectName: "pmc-bench",
        stackName: `preview-${name}-${n}`,
        config: { "marketplace:accessToken": { value: STATIC_TOKEN, secret: true }, ...config },
      });
      stacks.push(s);
      return s;
    };
    const kinds = [
      { kind: KIND_LOOKUP, stack: await make("lookup", fleetProgram(n, emu.url), {}), expected: n },
      {
        kind: KIND_NO_LOOKUP,
        stack: await make("nolookup", fleetProgram(n, emu.url), { "marketplace:previewLookup": "false" }),
        expected: 0,
      },
      { kind: KIND_NOOP, stack: await make("noop", noopProgram(n), {}), expected: 0 },
    ];
    const out: PreviewSeries[] = kinds.map((k) => ({
      n,
      kind: k.kind,
      wallS: [],
      requests: [],
      expectedRequests: k.expected,
    }));
    for (let run = 0; run < runs; run++) {
      for (const [i, k] of kinds.entries()) {
        emu.clearRequests();
        const t0 = nowMs();
        const { output } = await k.stack.preview();
        out[i].wallS.push((nowMs() - t0) / 1000);
        out[i].requests.push(emu.countRequests());
        if (k.kind !== KIND_NOOP) out[i].shown = /runningNow\s*: \{/.test(output);
      }
    }
    return out;
  } finally {
    for (const s of stacks) await s.cleanup();
    await closeQuietly(emu);
  }
}

/** Median wall of `kind` over the floor's, from the same run; undefined when either is missing. */
export function ratioTo(series: PreviewSeries[], kind: string, floor = KIND_NOOP): number | undefined {
  const med = (k: string) => {
    const s = series.find((x) => x.kind === k)?.wallS;
    return s?.length ? median(s) : undefined;
  };
  const a = med(kind);
  const b = med(floor);
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}
