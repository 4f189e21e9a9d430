/**
 * The Cloud Partner Portal service's fixed facts, in a module of their own so that `check` (which
 * runs at `pulumi preview`) can use them without loading the HTTP stack.
 */

/** The CPP origin when neither the `endpoint` input nor `marketplace:endpoint` says otherwise. */
export const DEFAULT_ENDPOINT = "https://cloudpartner.azure.com";

/** The only `api-version` the CPP API has published. */
export const DEFAULT_API_VERSION = "2017-10-31";
