/**
 * What one lifecycle call of an `IngestionJobCancellation` works with: `../kit/context.ts`'s
 * call context for the Product Ingestion API, with its origin setting
 * (`marketplace:ingestionEndpoint`) and the Graph audience.
 */
import type { ProviderSettings } from "../core/settings";
import { ApiBinding, CallContext, CallTarget, bindApi, callContext } from "../kit/context";
import type { Printer } from "../kit/progress";
import { IngestionClient } from "./client";
import { INGESTION_API_FACTS } from "./service";

export const INGESTION_API: ApiBinding<IngestionClient> = bindApi(INGESTION_API_FACTS, IngestionClient);

export type JobContext = CallContext<IngestionClient>;

export interface JobTarget extends CallTarget {
  jobId: string;
}

/** How every line about one job's cancellation starts. */
export function jobSubject(jobId: string): string {
  return `[marketplace] job ${jobId}`;
}

export function jobContextFor(target: JobTarget, settings: ProviderSettings, printer: Printer): JobContext {
  return callContext(INGESTION_API, target, jobSubject(target.jobId), settings, printer);
}
