// The route table of an emulator: which module answers a request, by path. The admin API first
// (/_emulator/, the shared routes and each API's), then the Product Ingestion API
// (/rp/product-ingestion/), the CPP API (/api/) and Entra's sign-in routes (/{tenant}/…).

import { bindAdminRoutes, handleAdmin } from "./core/admin";
import { CORE_ADMIN_ROUTES, type CoreAdminHost } from "./core/adminRoutes";
import { handleEntra, matchEntra } from "./core/entra";
import { noResource } from "./core/errors";
import type { RequestContext } from "./core/http";
import { isAdminPath } from "./core/recorder";
import { CPP_ADMIN_ROUTES } from "./cpp/admin";
import { handleCpp } from "./cpp/routes";
import type { CppCore } from "./cpp/state";
import { INGESTION_ADMIN_ROUTES } from "./ingestion/admin";
import { handleIngestion, matchIngestion } from "./ingestion/routes";
import type { IngestionCore } from "./ingestion/state";
import type { Emulator } from "./api";

/** What the table serves: the services of both APIs, and the Emulator the admin API drives. */
export function routeTable(
  core: CppCore & IngestionCore,
  host: Emulator & CoreAdminHost,
): (ctx: RequestContext) => void {
  const admin = [
    ...bindAdminRoutes(host, CORE_ADMIN_ROUTES),
    ...bindAdminRoutes(host.cpp, CPP_ADMIN_ROUTES),
    ...bindAdminRoutes(host.ingestion, INGESTION_ADMIN_ROUTES),
  ];
  return (ctx) => {
    if (isAdminPath(ctx.rawPath)) return handleAdmin(admin, ctx);
    const ingestion = matchIngestion(ctx.segments);
    if (ingestion !== undefined) return handleIngestion(core, ctx, ingestion);
    if (ctx.segments[0] === "api") return handleCpp(core, ctx);
    const entra = matchEntra(ctx.segments);
    if (entra === undefined) throw noResource("resource", ctx.rawPath);
    handleEntra(core, ctx, entra);
  };
}
