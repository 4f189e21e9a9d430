/**
 * A small on-disk record of cancellations that the service accepted but that have not been
 * recorded in Pulumi state yet. If the engine is killed mid-wait, nothing reaches the state, and
 * the next `pulumi up` calls `create` again; the journal lets that call resume the wait instead
 * of sending a second cancel. Entries hold no credentials: only where to look and what was seen.
 *
 * The directory is a setting (`settings.ts`: `MARKETPLACE_CANCEL_JOURNAL_DIR`, else under
 * `PULUMI_HOME`). Best effort by design: if it cannot be written, the provider works as before
 * and only loses this protection.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CanceledOperation } from "../kit/outputs";
import type { SentCancellation } from "../cpp/sentCancellation";

/**
 * One journal entry: the sent cancellation and the origin it was sent to. Entries written by
 * 0.1.0 name the canceled operation by `canceledOperationId` only; {@link restoreSent} reads both.
 */
export interface InflightCancellation extends SentCancellation {
  endpoint: string;
  /** 0.1.0's spelling of `canceledOperation.id`. */
  canceledOperationId?: string;
}

/** Entries older than this are ignored: any wait they describe has long ended. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** One key per declared cancellation: where, what, and the user's "cancel again" triggers. */
export function journalKey(parts: {
  endpoint: string;
  publisherId: string;
  offerId: string;
  when: string;
  triggers?: unknown;
}): string {
  return hashKey([parts.endpoint, parts.publisherId, parts.offerId, parts.when, parts.triggers ?? null]);
}

/** The file name of a journal entry: a hash of the parts that identify one declared cancellation. */
export function hashKey(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

export function readInflight<E = InflightCancellation>(dir: string, key: string): E | undefined {
  const file = path.join(dir, `${key}.json`);
  try {
    const stat = fs.statSync(file);
    if (Date.now() - stat.mtimeMs > MAX_AGE_MS) return undefined;
    return JSON.parse(fs.readFileSync(file, "utf8")) as E;
  } catch {
    return undefined;
  }
}

export function writeInflight<E = InflightCancellation>(dir: string, key: string, entry: E): void {
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

/**
 * The sent cancellation an entry describes. What the journal does not know about the canceled
 * operation (an entry of 0.1.0 keeps only its id) is taken from the submissions list, where it
 * may still be running.
 */
export function restoreSent(
  entry: InflightCancellation,
  running: (Omit<CanceledOperation, "id"> & { id: string }) | undefined,
): SentCancellation {
  const id = entry.canceledOperation?.id ?? entry.canceledOperationId;
  const listed = running && running.id === id ? running : undefined;
  return {
    publisherId: entry.publisherId,
    offerId: entry.offerId,
    canceledOperation:
      entry.canceledOperation ??
      (id
        ? {
            id,
            submissionType: listed?.submissionType,
            slot: listed?.slot,
            state: listed?.state ?? "running",
          }
        : undefined),
    requestedAt: entry.requestedAt,
    httpStatus: entry.httpStatus,
    operationLocation: entry.operationLocation,
  };
}

/** The journal entry of one declared cancellation: its directory and key, bound once. */
export interface JournalEntry<E = InflightCancellation> {
  read(): E | undefined;
  write(entry: E): void;
  clear(): void;
}

export function journalEntry<E = InflightCancellation>(dir: string, key: string): JournalEntry<E> {
  return {
    read: () => readInflight<E>(dir, key),
    write: (entry) => writeInflight<E>(dir, key, entry),
    clear: () => clearInflight(dir, key),
  };
}
