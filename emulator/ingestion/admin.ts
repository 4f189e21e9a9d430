// The Product Ingestion part of the admin API (core/admin.ts): `Emulator.ingestion` over HTTP.
//   GET/PATCH /_emulator/ingestion/settings            switches and job defaults
//   POST      /_emulator/ingestion/products            {externalId, publisher?, type?, alias?, id?} → 201
//   GET       /_emulator/ingestion/products/{ref}      ref: external id or product guid
//   GET       /_emulator/ingestion/products/{ref}/submissions
//   POST      /_emulator/ingestion/jobs                publish-job options → 201 job view
//   GET       /_emulator/ingestion/jobs/{jobId}

import { objectBody, type AdminRoute } from "../core/admin";
import { ServiceError } from "../core/errors";
import { sendJson } from "../core/http";
import { checkKeys, expectObject, expectString } from "../core/validate";
import type { IngestionEmulator } from "./api";
import type { IngestionProductConfig, PublishJobOptions } from "./settings";

const notFound = (what: string): ServiceError => new ServiceError(404, "NotFound", `${what} does not exist.`);

export const INGESTION_ADMIN_ROUTES: readonly AdminRoute<IngestionEmulator>[] = [
  {
    method: "GET",
    pattern: ["ingestion", "settings"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.getSettings()),
  },
  {
    method: "PATCH",
    pattern: ["ingestion", "settings"],
    handle: (host, ctx) => sendJson(ctx.res, 200, host.setSettings(objectBody(ctx))),
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
      sendJson(ctx.res, 201, host.addProduct(expectString(body.externalId, "body.externalId"), config));
    },
  },
  {
    method: "GET",
    pattern: ["ingestion", "products", ":ref"],
    handle: (host, ctx, [ref]) => {
      const product = host.findProduct(ref);
      if (product === undefined) throw notFound(`Product '${ref}'`);
      sendJson(ctx.res, 200, product);
    },
  },
  {
    method: "GET",
    pattern: ["ingestion", "products", ":ref", "submissions"],
    handle: (host, ctx, [ref]) => {
      if (host.findProduct(ref) === undefined) throw notFound(`Product '${ref}'`);
      sendJson(ctx.res, 200, host.getSubmissions(ref));
    },
  },
  {
    method: "POST",
    pattern: ["ingestion", "jobs"],
    handle: (host, ctx) =>
      sendJson(ctx.res, 201, host.startPublishJob(objectBody(ctx) as unknown as PublishJobOptions)),
  },
  {
    method: "GET",
    pattern: ["ingestion", "jobs", ":id"],
    handle: (host, ctx, [id]) => {
      const job = host.getJob(id);
      if (job === undefined) throw notFound(`Job '${id}'`);
      sendJson(ctx.res, 200, job);
    },
  },
];
