// The admin API of the Product Ingestion part, under /_emulator/ingestion/: `Emulator.ingestion`
// over HTTP, for the CLI user and for tests that drive an emulator in another process.
//   GET/PATCH /_emulator/ingestion/settings            switches and job defaults
//   POST      /_emulator/ingestion/products            {externalId, publisher?, type?, alias?, id?} → 201
//   GET       /_emulator/ingestion/products/{ref}      ref: external id or product guid
//   GET       /_emulator/ingestion/products/{ref}/submissions
//   POST      /_emulator/ingestion/jobs                publish-job options → 201 job view
//   GET       /_emulator/ingestion/jobs/{jobId}

import type { Emulator } from "../api";
import { badRequest, ServiceError } from "../errors";
import { isPlainObject, parseJsonBody, sendJson, type RequestContext } from "../http";
import { checkKeys, expectObject, expectString } from "../seed";
import type { IngestionProductConfig, PublishJobOptions } from "./settings";

export interface AdminRoute {
  method: string;
  pattern: string[];
  handle: (host: Emulator, ctx: RequestContext, params: string[]) => void;
}

const notFound = (what: string): ServiceError => new ServiceError(404, "NotFound", `${what} does not exist.`);

function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = parseJsonBody(ctx.body) ?? {};
  if (!isPlainObject(body)) throw badRequest("The body must be a JSON object.");
  return body;
}

export const INGESTION_ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: "GET",
    pattern: ["ingestion", "settings"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.ingestion.getSettings()),
  },
  {
    method: "PATCH",
    pattern: ["ingestion", "settings"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.ingestion.setSettings(objectBody(ctx))),
  },
  {
    method: "POST",
    pattern: ["ingestion", "products"],
    handle: (host, ctx) => {
      const body = expectObject(objectBody(ctx), "body");
      checkKeys(body, "body", ["externalId", "id", "publisher", "type", "alias"]);
      const config: Partial<IngestionProductConfig> = {};
      for (const key of ["id", "publisher", "type", "alias"] as const) {
        if (body[key] !== undefined) config[key] = expectString(body[key], `body.${key}`);
      }
      sendJson(
        ctx.res,
        201,
        host.ingestion.addProduct(expectString(body.externalId, "body.externalId"), config),
      );
    },
  },
  {
    method: "GET",
    pattern: ["ingestion", "products", ":ref"],
    handle: (host, ctx, [ref]) => {
      const product = host.ingestion.findProduct(ref);
      if (product === undefined) throw notFound(`Product '${ref}'`);
      sendJson(ctx.res, 200, product);
    },
  },
  {
    method: "GET",
    pattern: ["ingestion", "products", ":ref", "submissions"],
    handle: (host, ctx, [ref]) => {
      if (host.ingestion.findProduct(ref) === undefined) throw notFound(`Product '${ref}'`);
      sendJson(ctx.res, 200, host.ingestion.getSubmissions(ref));
    },
  },
  {
    method: "POST",
    pattern: ["ingestion", "jobs"],
    handle: (host, ctx) =>
      sendJson(ctx.res, 201, host.ingestion.startPublishJob(objectBody(ctx) as unknown as PublishJobOptions)),
  },
  {
    method: "GET",
    pattern: ["ingestion", "jobs", ":id"],
    handle: (host, ctx, [id]) => {
      const job = host.ingestion.getJob(id);
      if (job === undefined) throw notFound(`Job '${id}'`);
      sendJson(ctx.res, 200, job);
    },
  },
];
