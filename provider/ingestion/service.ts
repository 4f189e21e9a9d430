/**
 * The Product Ingestion API's fixed facts (ingestion-api.md §1), in a module of their own so that
 * `check` (which runs at `pulumi preview`) can use them without loading the HTTP stack.
 */

/** The origin when neither the `endpoint` input nor `marketplace:ingestionEndpoint` says otherwise. */
export const DEFAULT_INGESTION_ENDPOINT = "https://graph.microsoft.com";

/** Every route lives under this path of the origin. */
export const INGESTION_BASE_PATH = "/rp/product-ingestion";

/**
 * The `$version` sent when the input gives none: the one Microsoft's samples use for configure,
 * status and cancel (§1). The service treats it as a ceiling per resource.
 */
export const DEFAULT_INGESTION_API_VERSION = "2022-03-01-preview2";

/** §3: "at most one request per minute" for the status of a job. */
export const DOCUMENTED_MIN_POLL_SECONDS = 60;
