/**
 * What a stack leaves in its file (DIY) backend and on disk: the checkpoint as `pulumi stack export`
 * gives it, typed for the fields the tests look at, and the backend's files (locks, backups, history),
 * which the tests grep for leaked secrets and for the lock a killed operation leaves behind.
 */
import * as fs from "fs";
import * as path from "path";

/** The subset of a v3 checkpoint (`pulumi stack export`) the tests look at. */
export interface CheckpointResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  additionalSecretOutputs?: string[];
}

export interface PendingOperation {
  /** "creating" | "updating" | "deleting" | "reading" | "importing" */
  type: string;
  resource: CheckpointResource;
}

export interface Checkpoint {
  resources?: CheckpointResource[];
  pending_operations?: PendingOperation[];
  secrets_providers?: { type: string; state?: unknown };
}

/** What EngineStack.recoverAfterKill() found and repaired in the backend after a killed `up`. */
export interface RecoveryReport {
  /** Backend lock files that the killed `up` left behind and `pulumi cancel` removed. */
  removedLocks: string[];
  /** Pending operations in the checkpoint before the repair. */
  pendingBefore: PendingOperation[];
  /** Pending operations left afterwards (expected: none). */
  pendingAfter: PendingOperation[];
  /** Display of `pulumi refresh --clear-pending-creates`. */
  refreshOutput: string;
}

/** Resources of a checkpoint, without the stack itself and providers. */
export function programResources(checkpoint: Checkpoint): CheckpointResource[] {
  return (checkpoint.resources ?? []).filter(
    (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
  );
}

/** Every file below `dir`, sorted; symlinks are not followed. */
export function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      // Symlinks are skipped on purpose: work/node_modules points at the whole repo's dependencies.
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Lock files among a file backend's files: a live or killed operation leaves one per `up`/`refresh`/`destroy`. */
export function lockFilesOf(backendFiles: string[]): string[] {
  // `.attrs` files are the blob store's metadata sidecars, not locks.
  return backendFiles.filter((f) => f.split(path.sep).includes("locks") && !f.endsWith(".attrs"));
}

/** Files below `dirs` whose bytes contain `needle` (UTF-8). */
export function filesContaining(dirs: string[], needle: string): string[] {
  const bytes = Buffer.from(needle, "utf8");
  return dirs.flatMap(listFilesRecursive).filter((f) => fs.readFileSync(f).includes(bytes));
}
