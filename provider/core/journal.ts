/**
 * A small on-disk record of cancellations that the service accepted but that have not been
 * recorded in Pulumi state yet. If the engine is killed mid-wait, nothing reaches the state, and
 * the next `pulumi up` calls `create` again; the journal lets that call resume the wait instead
 * of sending a second cancel. Entries hold no credentials: only where to look and what was seen.
 *
 * The directory is a setting (`settings.ts`: `MARKETPLACE_CANCEL_JOURNAL_DIR`, else under
 * `PULUMI_HOME`). Best effort by design: if it cannot be written, the provider works as before
 * and only loses this protection. What an entry holds is the resource's own
 * (`cpp/sentCancellation.ts`, `ingestion/sentCancellation.ts`): this module only stores it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Entries older than this are ignored: any wait they describe has long ended. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * The file name of a journal entry: a hash of the parts that identify one declared cancellation
 * (each resource chooses its parts: `cpp/sentCancellation.ts`, `ingestion/sentCancellation.ts`).
 */
export function hashKey(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

export function readInflight<E>(dir: string, key: string): E | undefined {
  const file = path.join(dir, `${key}.json`);
  try {
    const stat = fs.statSync(file);
    if (Date.now() - stat.mtimeMs > MAX_AGE_MS) return undefined;
    return JSON.parse(fs.readFileSync(file, "utf8")) as E;
  } catch {
    return undefined;
  }
}

export function writeInflight<E>(dir: string, key: string, entry: E): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    fs.renameSync(tmp, path.join(dir, `${key}.json`));
  } catch {
    // best effort, see the module comment
  }
}

export function clearInflight(dir: string, key: string): void {
  try {
    fs.rmSync(path.join(dir, `${key}.json`), { force: true });
  } catch {
    // best effort
  }
}

/** The journal entry of one declared cancellation: its directory and key, bound once. */
export interface JournalEntry<E> {
  read(): E | undefined;
  write(entry: E): void;
  clear(): void;
}

export function journalEntry<E>(dir: string, key: string): JournalEntry<E> {
  return {
    read: () => readInflight<E>(dir, key),
    write: (entry) => writeInflight<E>(dir, key, entry),
    clear: () => clearInflight(dir, key),
  };
}
