// The programmatic interface of the Product Ingestion part of an emulator (`Emulator.ingestion`)
// and the snapshots it returns. The same operations are served over HTTP under
// /_emulator/ingestion/ (see ./admin.ts).

import type {
  IngestionErrorItem,
  IngestionProductConfig,
  IngestionSettings,
  IngestionSettingsPatch,
  PublishJobOptions,
  PublishTarget,
} from "./settings";

export interface IngestionProductView {
  /** `product/<guid>`. */
  id: string;
  externalId: string;
  /** The publisher (seller account) a token needs in its `publishers` to reach the product. */
  publisher: string;
  type: string;
  alias: string;
}

export interface IngestionResourceView {
  type: string;
  /** Its durable id once applied, e.g. `submission/<productGuid>/<n>`. */
  id: string;
  /** Emulated ISO time it is (or was) scheduled to be applied. */
  finishesAt: string;
  /** Applied now (for a completed job: what GET configure/{id} lists). */
  applied: boolean;
}

export interface IngestionJobView {
  jobId: string;
  /** publish: has a submission resource; draft: only draft changes. */
  kind: "publish" | "draft";
  /** `product/<guid>` of the product it changes, if any. */
  product?: string;
  targetType?: PublishTarget;
  /** As GET configure/{id}/status reports it now. */
  jobStatus: "notStarted" | "running" | "completed";
  jobResult: "pending" | "succeeded" | "failed" | "cancelled";
  /** Emulated ISO times. */
  jobStart: string;
  runningAt: string;
  /** When it completes on its own unless cancelled. */
  plannedEndAt: string;
  /** When it completed; absent while unfinished. */
  endedAt?: string;
  /** Publish jobs with a point of no return: from then on a cancel is refused. */
  pointOfNoReturnAt?: string;
  /** When a cancel was accepted, and when it takes (or took) effect. */
  cancelRequestedAt?: string;
  cancelEffectiveAt?: string;
  /** The submission a publish creates (`submission/<productGuid>/<n>`). */
  submissionId?: string;
  errors: IngestionErrorItem[];
  resources: IngestionResourceView[];
  /** The exact configure-status object GET configure/{id}/status answers now. */
  api: Record<string, unknown>;
}

export interface IngestionSubmissionView {
  /** `submission/<productGuid>/<n>`. */
  id: string;
  targetType: "draft" | PublishTarget;
  /** Absent on the draft. */
  status?: "notStarted" | "running" | "completed";
  result?: "pending" | "succeeded" | "failed";
  /** The job that publishes it (absent for the draft and seeded submissions). */
  jobId?: string;
}

/** `Emulator.ingestion`: drive and inspect the Product Ingestion API part of the emulator. */
export interface IngestionEmulator {
  /**
   * Adds a product (publisher default "contoso", type "azureVirtualMachine", a random GUID), or
   * returns the one that already has this external id unchanged.
   */
  addProduct(externalId: string, config?: Partial<IngestionProductConfig>): IngestionProductView;
  /** By external id (case-insensitive), `product/<guid>` or the bare guid. */
  findProduct(ref: string): IngestionProductView | undefined;
  /**
   * The same as POST configure with one submission resource (plus `resources` applied before it),
   * without auth. Throws 409 conflict when a publish of the product is still notStarted/running,
   * a RangeError for an unknown product.
   */
  startPublishJob(opts: PublishJobOptions): IngestionJobView;
  getJob(jobId: string): IngestionJobView | undefined;
  /** What GET submission/{guid} lists, the draft first. Throws a RangeError for an unknown product. */
  getSubmissions(product: string): IngestionSubmissionView[];
  /** The current switches and job defaults. */
  getSettings(): IngestionSettings;
  /** Changes some switches / job defaults (null = back to the default); returns them all. */
  setSettings(patch: IngestionSettingsPatch): IngestionSettings;
}
