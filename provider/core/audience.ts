/**
 * The Entra ID audiences of the two Marketplace APIs. A token is asked for one of them and sent
 * only to that API's routes: a Cloud Partner Portal token never goes to the Product Ingestion API,
 * nor the other way round (each credential is chosen per audience, and cached per audience).
 */
export interface ApiAudience {
  /** For messages: "the Cloud Partner Portal". */
  readonly name: string;
  /** The v1 `resource` (App ID URI). */
  readonly resource: string;
  /** The v2 scope `@azure/identity` asks for. */
  readonly scope: string;
  /** The setting (`marketplace:<key>`) that holds a ready token for this API, and only for it. */
  readonly tokenSetting: "accessToken" | "ingestionAccessToken";
}

function audience(name: string, resource: string, tokenSetting: ApiAudience["tokenSetting"]): ApiAudience {
  return Object.freeze({ name, resource, scope: `${resource}/.default`, tokenSetting });
}

export const CPP_AUDIENCE = audience(
  "the Cloud Partner Portal",
  "https://cloudpartner.azure.com",
  "accessToken",
);
export const GRAPH_AUDIENCE = audience(
  "the Product Ingestion API on Microsoft Graph",
  "https://graph.microsoft.com",
  "ingestionAccessToken",
);
