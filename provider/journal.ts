/**
 * A small on-disk record of cancellations that the service accepted but that have not been
 * recorded in Pulumi state yet. If the engine is killed mid-wait, nothing reaches the state, and
 * the next `pulumi up` calls `create` again; the journal lets that call resume the wait instead
 * of sending a second cancel. Entries hold no credentials: only where to look and what was seen.
 *
 * Location: `$MARKETPLACE_CANCEL_JOURNAL_DIR`, else `$PULUMI_HOME/marketplace-cancel/inflight`,
 * else `~/.pulumi/marketplace-cancel/inflight`. Best effort by design: if the directory cannot be
 * written, the provider works as before and only loses this protection.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface InflightCancellation {
  endpoint: string;
  publisherId: string;
  offerId: string;
  /** Absent while the answer is unknown: sent, but the answer was lost (or not yet received). */
  httpStatus?: 200 | 202;
  operationLocation?: string;
  canceledOperationId?: string;
  requestedAt: string;
}

/** Entries older than this are ignored: any wait they describe has long ended. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKETPLACE_CANCEL_JOURNAL_DIR) return env.MARKETPLACE_CANCEL_JOURNAL_DIR;
  const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  return path.join(home, "marketplace-cancel", "inflight");
}

/** One key per declared cancellation: where, what, and the user's "cancel again" triggers. */
export function journalKey(parts: {
  endpoint: string;
  publisherId: string;
  offerId: string;
  when: string;
  triggers?: unknown;
}): string {
  const text = JSON.stringify([
    parts.endpoint,
    parts.publisherId,
    parts.offerId,
    parts.when,
    parts.triggers ?? null,
  ]);
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

export function readInflight(key: string): InflightCancellation | undefined {
  const file = path.join(journalDir(), `${key}.json`);
  try {
    const stat = fs.statSync(file);
    if (Date.now() - stat.mtimeMs > MAX_AGE_MS) return undefined;
    return JSON.parse(fs.readFileSync(file, "utf8")) as InflightCancellation;
  } catch {
    return undefined;
  }
}

export function writeInflight(key: string, entry: InflightCancellation): void {
  try {
    const dir = journalDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    fs.renameSync(tmp, path.join(dir, `${key}.json`));
  } catch {
    // best effort, see the module comment
  }
}

export function clearInflight(key: string): void {
  try {
    fs.rmSync(path.join(journalDir(), `${key}.json`), { force: true });
  } catch {
    // best effort
  }
}
