// The CPP part of the admin API (core/admin.ts): `Emulator.cpp` over HTTP.
//   GET/PATCH  /_emulator/offers/{p}/{o}              the offer's ground truth / change its config
//   POST       /_emulator/offers/{p}/{o}/operations   {kind, durationSeconds?} → 201 operation view
//   GET/DELETE /_emulator/operations/{id}

import { jsonBody, objectBody, type AdminRoute } from "../core/admin";
import { badRequest } from "../core/errors";
import { sendEmpty, sendJson } from "../core/http";
import type { CppEmulator } from "./api";
import { operationNotFound } from "./errors";
import { parseOfferConfig } from "./seed";

export const CPP_ADMIN_ROUTES: readonly AdminRoute<CppEmulator>[] = [
  {
    method: "GET",
    pattern: ["offers", ":p", ":o"],
    handle: (host, ctx, [p, o]) => sendJson(ctx.res, 200, host.getOffer(p, o)),
  },
  {
    method: "PATCH",
    pattern: ["offers", ":p", ":o"],
    handle: (host, ctx, [p, o]) => {
      const patch = parseOfferConfig(jsonBody(ctx) ?? {}, "body");
      host.configureOffer(p, o, patch);
      sendJson(ctx.res, 200, host.getOffer(p, o));
    },
  },
  {
    method: "POST",
    pattern: ["offers", ":p", ":o", "operations"],
    handle: (host, ctx, [p, o]) => {
      const { kind, durationSeconds } = objectBody(ctx);
      if (kind !== "publish" && kind !== "golive") {
        throw badRequest(`kind must be "publish" or "golive", got ${JSON.stringify(kind)}.`);
      }
      if (durationSeconds !== undefined && durationSeconds !== null && typeof durationSeconds !== "number") {
        throw badRequest("durationSeconds must be a number.");
      }
      sendJson(ctx.res, 201, host.startOperation(p, o, kind, durationSeconds ?? undefined));
    },
  },
  {
    method: "GET",
    pattern: ["operations", ":id"],
    handle: (host, ctx, [id]) => {
      const view = host.getOperation(id);
      if (view === undefined) throw operationNotFound(id);
      sendJson(ctx.res, 200, view);
    },
  },
  {
    method: "DELETE",
    pattern: ["operations", ":id"],
    handle: (host, ctx, [id]) => {
      host.deleteOperation(id);
      sendEmpty(ctx.res, 204);
    },
  },
];
