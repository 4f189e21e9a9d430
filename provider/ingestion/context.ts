/**
 * What one lifecycle call of an `IngestionJobCancellation` works with: `../context.ts`'s call
 * context for the Product Ingestion API, with its own origin setting
 * (`marketplace:ingestionEndpoint`) and the Graph audience.
 */
import { GRAPH_AUDIENCE } from "../core/audience";
import { ApiBinding, CallContext, CallTarget, callContext } from "../kit/context";
import type { Printer } from "../kit/progress";
import type { ProviderSettings } from "../core/settings";
import { IngestionClient } from "./client";
import { DEFAULT_INGESTION_ENDPOINT } from "./service";

export const INGESTION_API: ApiBinding<IngestionClient> = {
  audience: GRAPH_AUDIENCE,
  endpointSetting: "ingestionEndpoint",
  defaultEndpoint: DEFAULT_INGESTION_ENDPOINT,
  createClient: (options) => new IngestionClient(options),
};

export type JobContext = CallContext<IngestionClient>;

export interface JobTarget extends CallTarget {
  jobId: string;
}

export function jobSubject(jobId: string): string {
  return `[marketplace] job ${jobId}`;
}

export function jobContextFor(target: JobTarget, settings: ProviderSettings, printer: Printer): JobContext {
  return callContext(INGESTION_API, target, jobSubject(target.jobId), settings, printer);
}
