/**
 * The Cloud Partner Portal service's fixed facts, in a module of their own so that `check` (which
 * runs at `pulumi preview`) can use them without loading the HTTP stack.
 */
import { CPP_AUDIENCE } from "../core/audience";
import type { ApiFacts } from "../kit/inputSpec";

/** The CPP origin when neither the `endpoint` input nor `marketplace:endpoint` says otherwise. */
export const DEFAULT_CPP_ENDPOINT = "https://cloudpartner.azure.com";

/** The only `api-version` the CPP API has published. */
export const DEFAULT_CPP_API_VERSION = "2017-10-31";

/** What the inputs both resources share take from this API (`../kit/inputSpec.ts`). */
export const CPP_API_FACTS: ApiFacts = {
  audience: CPP_AUDIENCE,
  endpointSetting: "endpoint",
  defaultEndpoint: DEFAULT_CPP_ENDPOINT,
  apiVersion: {
    default: DEFAULT_CPP_API_VERSION,
    parameter: "api-version",
    pattern: /^\d{4}-\d{2}-\d{2}(-preview)?$/,
    format: "`YYYY-MM-DD`",
    examples: [],
  },
};
