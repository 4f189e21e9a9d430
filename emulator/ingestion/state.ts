// The emulated Product Ingestion world: products, their submissions and configure jobs, and the
// rules that change them (start a job, cancel it). Like the CPP part (emulator/cpp/operation.ts), nothing
// time-dependent is stored: a job's status, result, end and applied resources are derived from the
// emulated clock on every read, so advancing the clock "just works".

import { randomUUID } from "node:crypto";

import type { EmulatedClock } from "../core/clock";
import type { Core } from "../core/services";
import { cannotCancelCompleted, cannotCancelPastPointOfNoReturn, publishInProgress } from "./errors";
import {
  applySettingsPatch,
  INGESTION_DEFAULTS,
  type IngestionErrorItem,
  type IngestionProductConfig,
  type IngestionSeed,
  type IngestionSettings,
  type IngestionSettingsPatch,
  type PublishJobOptions,
  type PublishTarget,
  type ScriptedResult,
} from "./settings";

/** The services the Product Ingestion routes read: the shared ones and this state. */
export interface IngestionCore extends Core {
  readonly ingestion: IngestionState;
}

export interface Product {
  /** The GUID of `product/<guid>`. */
  guid: string;
  externalId: string;
  publisher: string;
  type: string;
  alias: string;
  createdAt: number;
  /** Publish submissions in creation order (the draft `/0` is implicit). */
  submissions: Submission[];
}

export interface Submission {
  /** The `<n>` of `submission/<productGuid>/<n>`: a long integer, kept as text (beyond 2^53). */
  number: string;
  targetType: PublishTarget;
  createdAt: number;
  /** The job that publishes it; undefined for seeded, already completed ones. */
  job?: Job;
  /** Seeded submissions only. */
  seededResult?: ScriptedResult;
}

/** One resource of a job, applied at `finishAt` unless the job ended (cancel, failure) before. */
export interface JobResource {
  type: string;
  /** The durable id it has once applied. */
  id: string;
  /** The resource as posted (without `resourceName`, with `id`), as configure-detail lists it. */
  body: Record<string, unknown>;
  finishAt: number;
  /** The submission resource of a publish: not applied when the job fails. */
  isSubmission: boolean;
}

export interface Job {
  id: string;
  product?: Product;
  /** Publish jobs: the submission they create. */
  submission?: Submission;
  targetType?: PublishTarget;
  createdAt: number;
  runningAt: number;
  completesAt: number;
  result: ScriptedResult;
  errors: IngestionErrorItem[];
  resources: JobResource[];
  /** Emulated ms from which a cancel is refused; undefined = never. */
  pointOfNoReturnAt?: number;
  /** When a cancel was accepted. */
  cancelRequestedAt?: number;
  /** When the cancel takes effect (= cancelRequestedAt in sync mode). */
  cancelAt?: number;
}

export type JobStatus = "notStarted" | "running" | "completed";
export type JobResult = "pending" | "succeeded" | "failed" | "cancelled";

export interface JobEvaluation {
  status: JobStatus;
  result: JobResult;
  /** Emulated ms it completed; undefined while unfinished. */
  endedAt?: number;
  errors: IngestionErrorItem[];
  /** Resources applied so far (for a finished job: for good). */
  applied: JobResource[];
}

/** Where the long submission numbers start; every new submission takes the next one. */
const FIRST_SUBMISSION_NUMBER = 1152921505687000000n;

/** The time a job ends: its completion, or an earlier cancel. */
function endOf(job: Job): { at: number; cancelled: boolean } {
  if (job.cancelAt !== undefined && job.cancelAt < job.completesAt)
    return { at: job.cancelAt, cancelled: true };
  return { at: job.completesAt, cancelled: false };
}

export function evaluateJob(job: Job, now: number): JobEvaluation {
  const end = endOf(job);
  const finished = now >= end.at;
  const horizon = finished ? end.at : now;
  const failed = finished && !end.cancelled && job.result === "failed";
  const applied = job.resources.filter(
    (r) => r.finishAt <= horizon && !(r.isSubmission && (failed || end.cancelled)),
  );
  if (finished) {
    return {
      status: "completed",
      result: end.cancelled ? "cancelled" : job.result,
      endedAt: end.at,
      errors: failed ? job.errors : [],
      applied,
    };
  }
  return { status: now >= job.runningAt ? "running" : "notStarted", result: "pending", errors: [], applied };
}

export type SubmissionState =
  { status: "notStarted" | "running" | "completed"; result: "pending" | "succeeded" | "failed" } | "removed";

export class IngestionState {
  settings: IngestionSettings;
  private readonly products = new Map<string, Product>();
  private readonly jobs = new Map<string, Job>();
  private nextSubmission = FIRST_SUBMISSION_NUMBER;

  constructor(
    private readonly clock: EmulatedClock,
    seed: IngestionSeed = {},
  ) {
    this.settings = applySettingsPatch({ ...INGESTION_DEFAULTS }, seed.settings ?? {});
    for (const [externalId, config] of Object.entries(seed.products ?? {})) {
      const product = this.addProduct(externalId, config);
      for (const s of config.submissions ?? []) {
        product.submissions.push({
          number: this.takeSubmissionNumber(),
          targetType: s.targetType,
          createdAt: product.createdAt,
          seededResult: s.result ?? "succeeded",
        });
      }
    }
    for (const job of seed.jobs ?? []) this.startPublishJob(job);
  }

  now(): number {
    return this.clock.now();
  }

  setSettings(patch: IngestionSettingsPatch): IngestionSettings {
    this.settings = applySettingsPatch(this.settings, patch);
    return this.settings;
  }

  /** Adds a product, or returns the one with this external id (unchanged). */
  addProduct(externalId: string, config: Partial<IngestionProductConfig> = {}): Product {
    const existing = this.productByExternalId(externalId);
    if (existing !== undefined) return existing;
    const guid = (config.id ?? randomUUID()).toLowerCase();
    if (this.products.has(guid)) throw new RangeError(`product/${guid} already exists`);
    const product: Product = {
      guid,
      externalId,
      publisher: config.publisher ?? "contoso",
      type: config.type ?? "azureVirtualMachine",
      alias: config.alias ?? externalId,
      createdAt: this.clock.now(),
      submissions: [],
    };
    this.products.set(guid, product);
    return product;
  }

  allProducts(): Product[] {
    return [...this.products.values()];
  }

  /** External ids compare case-insensitively, as offer ids do in Partner Center. */
  productByExternalId(externalId: string): Product | undefined {
    const wanted = externalId.toLowerCase();
    return this.allProducts().find((p) => p.externalId.toLowerCase() === wanted);
  }

  /** By `product/<guid>`, the bare guid, or (`byExternalId`) the external id. */
  findProduct(ref: string, byExternalId = false): Product | undefined {
    const guid = ref.replace(/^product\//i, "").toLowerCase();
    return this.products.get(guid) ?? (byExternalId ? this.productByExternalId(ref) : undefined);
  }

  job(id: string): Job | undefined {
    return this.jobs.get(id.toLowerCase());
  }

  /** The state of a submission now; "removed" once a cancel took it away (cancelledSubmission). */
  submissionState(s: Submission): SubmissionState {
    if (s.job === undefined) return { status: "completed", result: s.seededResult ?? "succeeded" };
    const e = evaluateJob(s.job, this.now());
    if (e.status !== "completed") return { status: e.status, result: "pending" };
    if (e.result === "cancelled") {
      return this.settings.cancelledSubmission === "removed"
        ? "removed"
        : { status: "completed", result: "failed" };
    }
    return { status: "completed", result: e.result === "succeeded" ? "succeeded" : "failed" };
  }

  /** A publish of this product that is notStarted or running, if any. */
  activePublish(product: Product): Job | undefined {
    const now = this.now();
    return product.submissions
      .map((s) => s.job)
      .find((j) => j !== undefined && evaluateJob(j, now).status !== "completed");
  }

  /**
   * Creates a job. `resources` are applied in this order over the running phase unless they carry
   * a finish time; a publish's submission resource is the last and is applied at completion.
   */
  createJob(spec: {
    product?: Product;
    publish?: { targetType: PublishTarget; body: Record<string, unknown> };
    resources: { type: string; body: Record<string, unknown>; finishAfterSeconds?: number }[];
    notStartedSeconds?: number;
    runningSeconds?: number;
    result?: ScriptedResult;
    errors?: IngestionErrorItem[];
    pointOfNoReturnSeconds?: number | null;
    id?: string;
  }): Job {
    const s = this.settings;
    if (spec.publish !== undefined && spec.product !== undefined && this.activePublish(spec.product)) {
      throw publishInProgress(`product/${spec.product.guid}`);
    }
    const createdAt = this.clock.now();
    const notStarted = spec.notStartedSeconds ?? (s.firstStatus === "running" ? 0 : s.notStartedSeconds);
    const runningAt = createdAt + notStarted * 1000;
    const completesAt = runningAt + (spec.runningSeconds ?? s.runningSeconds) * 1000;
    const id = (spec.id ?? randomUUID()).toLowerCase();
    if (this.jobs.has(id)) throw new RangeError(`job ${id} already exists`);
    const job: Job = {
      id,
      product: spec.product,
      targetType: spec.publish?.targetType,
      createdAt,
      runningAt,
      completesAt,
      result: spec.result ?? s.result,
      errors: spec.errors ?? (spec.result === undefined ? s.errors : []),
      resources: [],
    };
    const count = spec.resources.length + (spec.publish === undefined ? 0 : 1);
    spec.resources.forEach((r, i) => {
      const scripted = r.finishAfterSeconds;
      const finishAt =
        scripted === undefined
          ? runningAt + ((completesAt - runningAt) * (i + 1)) / count
          : Math.min(createdAt + scripted * 1000, completesAt);
      const id = typeof r.body.id === "string" ? r.body.id : `${r.type}/${randomUUID()}`;
      job.resources.push({ type: r.type, id, body: { ...r.body, id }, finishAt, isSubmission: false });
    });
    if (spec.publish !== undefined && spec.product !== undefined) {
      const submission: Submission = {
        number: this.takeSubmissionNumber(),
        targetType: spec.publish.targetType,
        createdAt,
        job,
      };
      const sid = `submission/${spec.product.guid}/${submission.number}`;
      job.submission = submission;
      job.resources.push({
        type: "submission",
        id: sid,
        body: { ...spec.publish.body, id: sid },
        finishAt: completesAt,
        isSubmission: true,
      });
      spec.product.submissions.push(submission);
      const ponr =
        spec.pointOfNoReturnSeconds === undefined ? s.pointOfNoReturnSeconds : spec.pointOfNoReturnSeconds;
      if (ponr !== null) job.pointOfNoReturnAt = createdAt + ponr * 1000;
    }
    this.jobs.set(id, job);
    return job;
  }

  /** The programmatic/seeded publish (POST configure with one submission resource). */
  startPublishJob(opts: PublishJobOptions): Job {
    const product = this.findProduct(opts.product, true);
    if (product === undefined) throw new RangeError(`no product ${JSON.stringify(opts.product)}`);
    const targetType = opts.targetType ?? "preview";
    const host = "https://schema.mp.microsoft.com/schema";
    return this.createJob({
      id: opts.id,
      product,
      publish: {
        targetType,
        body: {
          $schema: `${host}/submission/2022-03-01-preview2`,
          product: `product/${product.guid}`,
          target: { targetType },
        },
      },
      resources: (opts.resources ?? []).map((r) => {
        const type = r.type ?? "property";
        return {
          type,
          body: { $schema: `${host}/${type}/2022-03-01-preview2`, product: `product/${product.guid}` },
          finishAfterSeconds: r.finishAfterSeconds,
        };
      }),
      notStartedSeconds: opts.notStartedSeconds,
      runningSeconds: opts.runningSeconds,
      result: opts.result,
      errors: opts.errors ?? [],
      pointOfNoReturnSeconds: opts.pointOfNoReturnSeconds,
    });
  }

  /**
   * A cancel request (docs/ingestion-api.md §4). Throws the documented 400s when the job has completed
   * or a publish is past its point of no return; a repeated cancel of a job whose cancel is still
   * under way (async mode) changes nothing.
   */
  cancel(job: Job): void {
    const now = this.now();
    if (evaluateJob(job, now).status === "completed") throw cannotCancelCompleted();
    if (job.cancelRequestedAt !== undefined) return;
    if (job.pointOfNoReturnAt !== undefined && now >= job.pointOfNoReturnAt)
      throw cannotCancelPastPointOfNoReturn(job.id);
    job.cancelRequestedAt = now;
    job.cancelAt = this.settings.cancelMode === "sync" ? now : now + this.settings.asyncCancelSeconds * 1000;
  }

  private takeSubmissionNumber(): string {
    const n = this.nextSubmission;
    this.nextSubmission += 1n;
    return n.toString();
  }
}
