/**
 * Cross-process lock: two mocha runs (or `npm run engine` next to `npm test`) must not both spend minutes
 * building the same binary. O_EXCL creation is atomic on local filesystems; the holder's pid lets a waiter
 * break a lock whose owner died (SIGKILL, OOM, closed terminal).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatDuration, HEARTBEAT_MS, isErrnoException } from "./goBuild";

/** A lock held longer than this is assumed abandoned even if its pid looks alive (pid reuse). */
const LOCK_STALE_MS = 2 * 60 * 60 * 1000;

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

function readLock(lockPath: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(err) && err.code === "EPERM";
  }
}

function lockIsStale(lockPath: string): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(lockPath).mtimeMs;
  } catch {
    return false; // vanished: not stale, just gone; the next attempt will succeed
  }
  const age = Date.now() - mtimeMs;
  if (age > LOCK_STALE_MS) return true;
  const info = readLock(lockPath);
  // Unparsable content is a lock being written right now, unless it has been like that for a while.
  if (!info) return age > 60_000;
  if (info.hostname !== os.hostname()) return false; // cannot judge another host's pid
  return !pidAlive(info.pid);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` holding `lockPath`; `what` names the build in the "waiting for" notices. */
export async function withLock<T>(
  lockPath: string,
  what: string,
  log: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const waitStarted = Date.now();
  let lastNotice = 0;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      const info: LockInfo = {
        pid: process.pid,
        hostname: os.hostname(),
        startedAt: new Date().toISOString(),
      };
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (!(isErrnoException(err) && err.code === "EEXIST")) throw err;
    }
    if (lockIsStale(lockPath)) {
      log(`removing stale lock ${lockPath} (${JSON.stringify(readLock(lockPath) ?? {})})`);
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - lastNotice >= HEARTBEAT_MS) {
      const holder = readLock(lockPath);
      log(
        `waiting for another process (pid ${holder?.pid ?? "?"}) that is building ${what} ` +
          `(${formatDuration(Date.now() - waitStarted)} so far; lock ${lockPath})`,
      );
      lastNotice = Date.now();
    }
    await sleep(2_000);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { force: true });
  }
}
