/**
 * The Product Ingestion API's fixed facts (docs/ingestion-api.md, "Base URL, `$version`, auth, headers"), in a
 * module of their own so that `check` (which runs at `pulumi preview`) can use them without
 * loading the HTTP stack.
 */
import { GRAPH_AUDIENCE } from "../core/audience";
import type { ApiFacts } from "../kit/inputSpec";

/** The origin when neither the `endpoint` input nor `marketplace:ingestionEndpoint` says otherwise. */
export const DEFAULT_INGESTION_ENDPOINT = "https://graph.microsoft.com";

/** Every route lives under this path of the origin. */
export const INGESTION_BASE_PATH = "/rp/product-ingestion";

/**
 * The `$version` sent when the input gives none: the one Microsoft's samples use for configure,
 * status and cancel. The service treats it as a ceiling per resource.
 */
export const DEFAULT_INGESTION_API_VERSION = "2022-03-01-preview2";

/** "At most one request per minute" for the status of a job. */
export const DOCUMENTED_MIN_POLL_SECONDS = 60;

/** What the inputs both resources share take from this API (`../kit/inputSpec.ts`). */
export const INGESTION_API_FACTS: ApiFacts = {
  audience: GRAPH_AUDIENCE,
  endpointSetting: "ingestionEndpoint",
  defaultEndpoint: DEFAULT_INGESTION_ENDPOINT,
  basePath: INGESTION_BASE_PATH,
  apiVersion: {
    default: DEFAULT_INGESTION_API_VERSION,
    parameter: "$version",
    pattern: /^\d{4}-\d{2}-\d{2}(-preview\d*)?$/,
    format: "`YYYY-MM-DD`, optionally `-previewN`",
    examples: ["2022-07-01"],
  },
  documentedMinPollSeconds: DOCUMENTED_MIN_POLL_SECONDS,
};
