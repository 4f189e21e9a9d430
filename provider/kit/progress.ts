/**
 * The lines a user sees while `pulumi up` waits. A dynamic provider's `pulumi.log` calls do not
 * reach the engine, but its stdout does, so these go through `console.log`, one per poll. The
 * native plugin's stdout is hidden by the engine: it sets a printer that sends each line through
 * the engine's log service instead (`plugin/engineLog.ts`), which is why a line says its kind.
 */
import { engineGone } from "../core/engineLiveness";
import { PollProgress, formatDuration } from "../core/poller";

/**
 * `progress`: one line per poll, superseded by the next (the native plugin shows it in the status
 * column); `info`, the default: a line to keep (what was sent, the outcome, a retry, a warning).
 */
export type LineKind = "progress" | "info";

export type Printer = (line: string, kind?: LineKind) => void;

/**
 * Prints nothing once the engine is gone: its pipe is dead (see engineLiveness.ts, which also
 * handles the EPIPE of a line already on its way, so it never reaches the host's handler).
 */
export const defaultPrinter: Printer = (line) => {
  if (engineGone() === undefined) console.log(line);
};

/**
 * What a progress line shows of an operation's state, whichever API it came from (each
 * resource's `operation.ts` has a state of this shape).
 */
export interface ProgressState {
  status: string;
  /** Exactly what the service said; shown instead of `status` when there is one. */
  rawStatus: string;
  step?: string;
  percent?: number;
}

export function progressLine(subject: string, p: PollProgress<ProgressState>): string {
  const s = p.state;
  const parts = [`${subject}: ${formatDuration(p.elapsedMs)} ${s.rawStatus || s.status}`];
  if (s.step) parts.push(`step "${s.step}"`);
  if (s.percent !== undefined) parts.push(`${s.percent}%`);
  let line = parts.join(", ");
  line +=
    p.nextDelayMs !== undefined
      ? ` (poll ${p.pollCount}, next in ${formatDuration(p.nextDelayMs)})`
      : ` (poll ${p.pollCount})`;
  return line;
}
