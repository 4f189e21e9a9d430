/**
 * What the lifecycle modules of both resources share, written once: the process-wide state (the
 * stack config `configure` hands over, where progress lines go), `check` with the preview flag,
 * `diff` by the resource's spec, and a `delete` that sends nothing for `when: "apply"`. Each
 * lifecycle module (`cpp/lifecycle.ts`, `ingestion/lifecycle.ts`) builds one with its resource's
 * rules and keeps only its own decisions: where each call enters its cancellation.
 *
 * Nothing here knows how the calls arrive: the dynamic-provider fronts (`dynamic/`) call the
 * lifecycle modules today, and a native provider could call the same handlers.
 */
import { randomUUID } from "node:crypto";
import { armInProviderHost } from "../core/engineLiveness";
import { ConfigLookup, ProviderSettings, resolveSettings } from "../core/settings";
import type { CheckOutcome } from "./checks";
import { DiffOutcome, DiffSpec, diffInputs } from "./diff";
import { takePreviewFlag } from "./preview";
import { Printer, defaultPrinter } from "./progress";
import { CANCELLING_AT_DELETE, REMOVED_FROM_STATE_ONLY } from "./texts";

/**
 * What one resource brings: how its inputs are checked, previewed and compared, and what one call
 * on a target (`T`) works with (`C`, its API's call context).
 */
export interface ResourceRules<T, C> {
  /** Which input changes replace, which update in place (its input spec). */
  spec: DiffSpec;
  checkInputs(news: Record<string, unknown>): CheckOutcome;
  /** Adds what `up` would cancel to checked inputs, in a preview. Never throws. */
  addPreviewFacts(
    olds: Record<string, unknown>,
    outcome: CheckOutcome,
    settings: () => ProviderSettings,
  ): Promise<void>;
  contextFor(target: T, settings: ProviderSettings, printer: Printer): C;
}

/** The stack config as `configure` receives it (`marketplace:*` keys). */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

export interface SharedLifecycle<T, C> {
  /** Stack config arrives here once per provider process. */
  configure(req: ConfigureRequest): Promise<void>;
  /** Where progress lines go. Tests and embedders may redirect them; the default is stdout. */
  setPrinter(printer: Printer): void;
  /** Validates; in a preview, also shows what `up` would cancel (`preview.ts`). */
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckOutcome>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<Omit<DiffOutcome, "updates">>;
  /**
   * The call context of one call on `target`, built afresh: settings resolved now (stack config,
   * then the environment, `settings.ts`), lines printed through whichever printer is set then.
   */
  contextOf(target: T): C;
  /** Prints a line through whichever printer is set when the line is printed. */
  print: Printer;
  /**
   * `delete`: a cancellation cannot be undone, so `when: "apply"` sends nothing; `when: "destroy"`
   * runs `cancel`, the resource's own cancellation.
   */
  deleteAsDeclared(subject: string, when: unknown, cancel: () => Promise<unknown>): Promise<void>;
}

export function sharedLifecycle<T, C>(rules: ResourceRules<T, C>): SharedLifecycle<T, C> {
  // Loaded on the engine's first call into the provider host: from then on the process dies with
  // the engine instead of outliving it (engineLiveness.ts). Elsewhere (tests, programs) a no-op.
  armInProviderHost();
  let stackConfig: ConfigLookup = () => undefined;
  let printer: Printer = defaultPrinter;
  const settings = () => resolveSettings(stackConfig);
  const print: Printer = (line, kind) => printer(line, kind);
  return {
    async configure(req) {
      stackConfig = (key) => req.config.get(key);
    },
    setPrinter(next) {
      printer = next;
    },
    async check(olds, news) {
      const { preview, news: inputs } = takePreviewFlag(news);
      const outcome = rules.checkInputs(inputs);
      if (preview) await rules.addPreviewFacts(olds, outcome, settings);
      return outcome;
    },
    async diff(_id, olds, news) {
      const { changes, replaces, deleteBeforeReplace } = diffInputs(rules.spec, olds, news);
      return { changes, replaces, deleteBeforeReplace };
    },
    contextOf: (target) => rules.contextFor(target, settings(), print),
    print,
    async deleteAsDeclared(subject, when, cancel) {
      if (when !== "destroy") {
        print(`${subject}: ${REMOVED_FROM_STATE_ONLY}`);
        return;
      }
      print(`${subject}: ${CANCELLING_AT_DELETE}`);
      await cancel();
    },
  };
}

/**
 * A new resource id: the target's parts and a random suffix, so a replacement (or a second
 * declaration of the same target) never collides with the old one in state.
 */
export function newResourceId(...parts: string[]): string {
  return [...parts, randomUUID()].join("/");
}

/** The results part of recorded outputs (everything but the echoed inputs), for an `update`. */
export function resultsOf<O extends object>(resultKeys: readonly string[], olds: O): Partial<O> {
  const out: Record<string, unknown> = {};
  for (const k of resultKeys) {
    const v = (olds as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<O>;
}
