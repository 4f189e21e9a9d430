// The implementation of `Emulator.ingestion` (./api.ts) over the ingestion state: test-facing
// snapshots that also show what the API hides (when a job's resources apply, its point of no
// return, when a cancel takes effect).

import type {
  IngestionEmulator,
  IngestionJobView,
  IngestionProductView,
  IngestionSubmissionView,
} from "./api";
import { configureStatus, DEFAULT_VERSION, listedSubmissions, submissionId, ticks } from "./render";
import {
  parsePublishJobOptions,
  parseSettingsPatch,
  type IngestionProductConfig,
  type IngestionSettings,
  type IngestionSettingsPatch,
  type PublishJobOptions,
} from "./settings";
import { evaluateJob, type IngestionState, type Job, type Product } from "./state";

export function productView(p: Product): IngestionProductView {
  return {
    id: `product/${p.guid}`,
    externalId: p.externalId,
    publisher: p.publisher,
    type: p.type,
    alias: p.alias,
  };
}

export function jobView(state: IngestionState, job: Job): IngestionJobView {
  const e = evaluateJob(job, state.now());
  const opt = (ms: number | undefined) => (ms === undefined ? undefined : ticks(ms));
  const view: IngestionJobView = {
    jobId: job.id,
    kind: job.submission === undefined ? "draft" : "publish",
    jobStatus: e.status,
    jobResult: e.result,
    jobStart: ticks(job.createdAt),
    runningAt: ticks(job.runningAt),
    plannedEndAt: ticks(job.completesAt),
    errors: e.errors,
    resources: job.resources.map((r) => ({
      type: r.type,
      id: r.id,
      finishesAt: ticks(r.finishAt),
      applied: e.applied.includes(r),
    })),
    api: configureStatus(state, job, DEFAULT_VERSION),
  };
  const optional = {
    product: job.product && `product/${job.product.guid}`,
    targetType: job.targetType,
    endedAt: opt(e.endedAt),
    pointOfNoReturnAt: opt(job.pointOfNoReturnAt),
    cancelRequestedAt: opt(job.cancelRequestedAt),
    cancelEffectiveAt: opt(job.cancelAt),
    submissionId: job.product && job.submission && submissionId(job.product, job.submission),
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (view as unknown as Record<string, unknown>)[k] = v;
  return view;
}

export function submissionViews(state: IngestionState, p: Product): IngestionSubmissionView[] {
  return listedSubmissions(state, p).map((entry) => {
    const s = entry.submission;
    const view: IngestionSubmissionView = {
      id: submissionId(p, s),
      targetType: s === "draft" ? "draft" : s.targetType,
    };
    if (entry.status !== undefined) {
      view.status = entry.status as IngestionSubmissionView["status"];
      view.result = entry.result as IngestionSubmissionView["result"];
    }
    if (s !== "draft" && s.job !== undefined) view.jobId = s.job.id;
    return view;
  });
}

export class IngestionControl implements IngestionEmulator {
  constructor(private readonly state: IngestionState) {}

  addProduct(externalId: string, config: Partial<IngestionProductConfig> = {}): IngestionProductView {
    if (typeof externalId !== "string" || externalId === "" || /[\s/?#%]/.test(externalId)) {
      throw new RangeError(`${JSON.stringify(externalId)} is not a usable external id`);
    }
    return productView(this.state.addProduct(externalId, config));
  }

  findProduct(ref: string): IngestionProductView | undefined {
    const p = this.state.findProduct(ref, true);
    return p && productView(p);
  }

  startPublishJob(opts: PublishJobOptions): IngestionJobView {
    const parsed = parsePublishJobOptions(opts, "options", false);
    return jobView(this.state, this.state.startPublishJob(parsed));
  }

  getJob(jobId: string): IngestionJobView | undefined {
    const job = this.state.job(jobId);
    return job && jobView(this.state, job);
  }

  getSubmissions(product: string): IngestionSubmissionView[] {
    const p = this.state.findProduct(product, true);
    if (p === undefined) throw new RangeError(`no product ${JSON.stringify(product)}`);
    return submissionViews(this.state, p);
  }

  getSettings(): IngestionSettings {
    return structuredClone(this.state.settings);
  }

  setSettings(patch: IngestionSettingsPatch): IngestionSettings {
    this.state.setSettings(parseSettingsPatch(patch, "settings"));
    return this.getSettings();
  }
}
