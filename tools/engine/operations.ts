/**
 * Driving `pulumi preview|up|refresh|destroy` (and raw CLI commands) for a stack, one at a time per
 * process, with the display captured so a test can assert on what a user would see.
 *
 * Inline programs run inside the calling process (the Automation API serves the language-host gRPC API
 * from here) and Pulumi's runtime state is process-global, hence the one queue every engine call of this
 * process goes through.
 */
import { execFile } from "child_process";
import {
  DestroyOptions,
  DestroyResult,
  PreviewOptions,
  PreviewResult,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";

export type OperationKind = "preview" | "up" | "refresh" | "destroy";

export interface OptionsByKind {
  preview: PreviewOptions;
  up: UpOptions;
  refresh: RefreshOptions;
  destroy: DestroyOptions;
}

export interface ResultsByKind {
  preview: PreviewResult;
  up: UpResult;
  refresh: RefreshResult;
  destroy: DestroyResult;
}

export interface OperationOutput {
  /** Everything the CLI wrote to stdout (the human-readable display, incl. `--diff` text). */
  output: string;
  stderr: string;
}

export interface SucceededOperation<K extends OperationKind> extends OperationOutput {
  ok: true;
  result: ResultsByKind[K];
}

export interface FailedOperation extends OperationOutput {
  ok: false;
  /** The Automation API's CommandError (its message repeats stdout/stderr). */
  error: Error;
}

export type OperationAttempt<K extends OperationKind> = SucceededOperation<K> | FailedOperation;

/** Thrown by up/preview/refresh/destroy when the CLI fails; carries the captured output. */
export class EngineOperationError extends Error implements OperationOutput {
  constructor(
    readonly kind: OperationKind,
    readonly output: string,
    readonly stderr: string,
    override readonly cause: Error,
  ) {
    super(`pulumi ${kind} failed: ${cause.message}`);
    this.name = "EngineOperationError";
  }
}

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs engine operations one at a time: inline programs share Pulumi's process-global runtime state. */
export function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/** Set PULUMI_MARKETPLACE_CANCEL_E2E_ECHO=1 to watch engine output live while debugging a test. */
export const echo = (): boolean => !!process.env.PULUMI_MARKETPLACE_CANCEL_E2E_ECHO;

/**
 * Runs an operation and reports failure as a value instead of throwing, with the captured display either
 * way. Defaults: `color: "never"`; `diff: true` for preview and up (what a PR comment shows).
 */
export function attemptOperation<K extends OperationKind>(
  stack: Stack,
  kind: K,
  opts?: OptionsByKind[K],
): Promise<OperationAttempt<K>> {
  return serialized(async () => {
    let output = "";
    let stderr = "";
    const userOut = opts?.onOutput;
    const userErr = opts?.onError;
    const onOutput = (s: string): void => {
      output += s;
      if (echo()) process.stderr.write(s);
      userOut?.(s);
    };
    const onError = (s: string): void => {
      stderr += s;
      if (echo()) process.stderr.write(s);
      userErr?.(s);
    };
    try {
      const result = await dispatch(stack, kind, opts, onOutput, onError);
      return { ok: true as const, result, output, stderr };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return { ok: false as const, error, output, stderr };
    }
  });
}

/** attemptOperation, throwing EngineOperationError (with the display) when the operation fails. */
export async function runOperation<K extends OperationKind>(
  stack: Stack,
  kind: K,
  opts?: OptionsByKind[K],
): Promise<SucceededOperation<K>> {
  const r = await attemptOperation(stack, kind, opts);
  if (!r.ok) throw new EngineOperationError(kind, r.output, r.stderr, r.error);
  return r;
}

async function dispatch<K extends OperationKind>(
  stack: Stack,
  kind: K,
  opts: OptionsByKind[K] | undefined,
  onOutput: (s: string) => void,
  onError: (s: string) => void,
): Promise<ResultsByKind[K]> {
  const common = { color: "never" as const, ...opts, onOutput, onError };
  // Each branch returns the result type for its own kind; TypeScript cannot narrow a generic K through a
  // switch, hence the casts at the boundary.
  switch (kind) {
    case "preview":
      return (await stack.preview({ diff: true, ...(common as PreviewOptions) })) as ResultsByKind[K];
    case "up":
      return (await stack.up({ diff: true, ...(common as UpOptions) })) as ResultsByKind[K];
    case "refresh":
      return (await stack.refresh(common as RefreshOptions)) as ResultsByKind[K];
    case "destroy":
      return (await stack.destroy(common as DestroyOptions)) as ResultsByKind[K];
    default:
      throw new Error(`unknown operation ${String(kind)}`);
  }
}

/**
 * Runs the CLI `binary` directly (in the queue) with `args` + `--stack <stackName> --non-interactive`.
 * Never throws on a non-zero exit: check `code`.
 */
export function runCli(
  binary: string,
  args: string[],
  stack: { stackName: string; cwd: string; env: Record<string, string> },
  timeoutMs = 120_000,
): Promise<CliResult> {
  return serialized(
    () =>
      new Promise<CliResult>((resolve, reject) => {
        execFile(
          binary,
          [...args, "--stack", stack.stackName, "--non-interactive"],
          {
            cwd: stack.cwd,
            env: { ...process.env, ...stack.env },
            timeout: timeoutMs,
            maxBuffer: 64 * 1024 * 1024,
          },
          (err, stdout, stderr) => {
            if (err && typeof err.code !== "number") {
              reject(err);
            } else {
              resolve({ stdout, stderr, code: err ? Number(err.code) : 0 });
            }
          },
        );
      }),
  );
}
