// The CPP API routes (docs/cpp-api.md): /api/publishers/… and /api/operations/….
//
// Checks run in a fixed order, like a gateway in front of the real service: authentication (401),
// api-version (400), route and method (404/405), publisher access (403), then existence (404).
// A caller without access to a publisher gets 403 whether or not it exists, so tokens cannot be
// used to probe for other publishers' names.

import { authenticate, canAccess } from "../core/auth";
import { badRequest, methodNotAllowed, noResource } from "../core/errors";
import { isPlainObject, parseJsonBody, sendEmpty, sendJson, type RequestContext } from "../core/http";
import {
  forbidden,
  invalidApiVersion,
  invalidNotificationEmails,
  offerNotFound,
  operationNotFound,
  publisherNotFound,
  unauthorized,
} from "./errors";
import {
  API_VERSION,
  locationHeaders,
  operationBody,
  operationPath,
  renderOffer,
  renderOfferStatus,
  renderSubmission,
} from "./render";
import type { OperationRecord } from "./operation";
import type { CppCore, Offer } from "./state";

type Handler = (core: CppCore, ctx: RequestContext, offer: Offer) => void;

/** A route under one publisher (the offers list) or under one offer (everything else). */
type Route = { method: "GET" | "POST"; publisherId: string } & (
  | { offerId?: undefined; handle: (core: CppCore, ctx: RequestContext, publisherId: string) => void }
  | { offerId: string; handle: Handler }
);

/** Addresses: one or more, comma separated, spaces around commas tolerated. Deliberately loose. */
const EMAIL = /^[^\s@,;<>"()[\]]+@[^\s@,;<>"()[\]]+$/;

export function handleCpp(core: CppCore, ctx: RequestContext): void {
  const principal = authenticate(core, ctx.req.headers.authorization, "cpp", unauthorized);
  const apiVersion = ctx.query.get("api-version");
  if (apiVersion !== API_VERSION) {
    throw invalidApiVersion(API_VERSION);
  }
  const route = matchRoute(ctx.segments.slice(1));
  if (route === undefined) throw noResource("CPP resource", ctx.rawPath);
  if (route.method !== ctx.method) throw methodNotAllowed(ctx.method, route.method, "on this resource");
  if (!canAccess(principal, route.publisherId)) throw forbidden(principal.name, route.publisherId);
  if (!core.state.hasPublisher(route.publisherId)) throw publisherNotFound(route.publisherId);
  if (route.offerId === undefined) {
    route.handle(core, ctx, route.publisherId);
    return;
  }
  const offer = core.state.offer(route.publisherId, route.offerId);
  if (offer === undefined) throw offerNotFound(route.publisherId, route.offerId);
  route.handle(core, ctx, offer);
}

function matchRoute(s: string[]): Route | undefined {
  if (s[0] === "operations" && s.length === 2) {
    // Non-migrated form: publisher$offer$publishingVersion$slot (already %24-decoded).
    const parts = s[1].split("$");
    if (parts.length !== 4 || parts.some((x) => x === "")) return undefined;
    const [publisherId, offerId] = parts;
    return {
      method: "GET",
      publisherId,
      offerId,
      handle: (core, ctx, offer) => getLegacyOperation(core, ctx, offer, s[1]),
    };
  }
  if (s[0] !== "publishers" || s.length < 3 || s[2] !== "offers" || s[1] === "") return undefined;
  const publisherId = s[1];
  if (s.length === 3) return { method: "GET", publisherId, handle: listOffers };
  const offerId = s[3];
  if (offerId === "") return undefined;
  if (s.length === 4) return { method: "GET", publisherId, offerId, handle: getOffer };
  if (s.length === 5) {
    const action: Record<string, [Route["method"], Handler]> = {
      publish: ["POST", (core, ctx, offer) => startSubmission(core, ctx, offer, "publish")],
      golive: ["POST", (core, ctx, offer) => startSubmission(core, ctx, offer, "golive")],
      cancel: ["POST", cancel],
      submissions: ["GET", listSubmissions],
      // "Retrieve operations" documents the list under both names.
      operations: ["GET", listSubmissions],
      status: ["GET", getOfferStatus],
    };
    const entry = Object.prototype.hasOwnProperty.call(action, s[4]) ? action[s[4]] : undefined;
    return entry && { method: entry[0], publisherId, offerId, handle: entry[1] };
  }
  if (s.length === 6 && s[4] === "operations") {
    const id = s[5];
    return {
      method: "GET",
      publisherId,
      offerId,
      handle: (core, ctx, offer) => getOperation(core, ctx, offer, id),
    };
  }
  return undefined;
}

const iso = (core: CppCore) => (ms: number) => core.clock.iso(ms);

function listOffers(core: CppCore, ctx: RequestContext, publisherId: string): void {
  sendJson(
    ctx.res,
    200,
    core.state.offers(publisherId).map((offer) => renderOffer(core.state, offer, iso(core))),
  );
}

function getOffer(core: CppCore, ctx: RequestContext, offer: Offer): void {
  sendJson(ctx.res, 200, renderOffer(core.state, offer, iso(core)));
}

function getOfferStatus(core: CppCore, ctx: RequestContext, offer: Offer): void {
  sendJson(ctx.res, 200, renderOfferStatus(core.state, offer, iso(core)));
}

function sendOperation(
  core: CppCore,
  ctx: RequestContext,
  offer: Offer,
  op: OperationRecord | undefined,
  id: string,
): void {
  if (op === undefined || op.publisherId !== offer.publisherId || op.offerId !== offer.offerId) {
    throw operationNotFound(id, offer.offerId);
  }
  sendJson(ctx.res, 200, operationBody(core.state, offer, op, iso(core)));
}

function getOperation(core: CppCore, ctx: RequestContext, offer: Offer, id: string): void {
  sendOperation(core, ctx, offer, core.state.operation(id), id);
}

function getLegacyOperation(core: CppCore, ctx: RequestContext, offer: Offer, legacyId: string): void {
  sendOperation(core, ctx, offer, core.state.operationByLegacyId(legacyId), legacyId);
}

function listSubmissions(core: CppCore, ctx: RequestContext, offer: Offer): void {
  // Both filter spellings of docs/cpp-api.md §3; values compare case-insensitively.
  const wanted = [ctx.query.get("status"), ctx.query.get("submissionState")]
    .filter((v): v is string => v !== null && v !== "")
    .map((v) => v.toLowerCase());
  const items = core.state
    .submissions(offer)
    .map((op) => renderSubmission(core.state, offer, op, iso(core)))
    .filter((item) => wanted.every((w) => String(item.submissionState).toLowerCase() === w));
  sendJson(ctx.res, 200, items);
}

/**
 * Body of publish, go-live and cancel: nothing, `{}`, or
 * `{"metadata":{"notification-emails":"a@x.com,b@y.com"}}`. Returns the addresses.
 */
export function parseNotificationEmails(body: string): string[] {
  const json = parseJsonBody(body);
  if (json === undefined) return [];
  if (!isPlainObject(json)) throw badRequest("The request body must be a JSON object.");
  const metadata = json.metadata;
  if (metadata === undefined || metadata === null) return [];
  if (!isPlainObject(metadata)) throw badRequest("'metadata' must be a JSON object.");
  const emails = metadata["notification-emails"];
  if (emails === undefined || emails === null) return [];
  if (typeof emails !== "string") {
    throw invalidNotificationEmails(
      "'notification-emails' must be a comma-separated string of email addresses.",
    );
  }
  if (emails.trim() === "") return [];
  const list = emails.split(",").map((e) => e.trim());
  const invalid = list.filter((e) => !EMAIL.test(e));
  if (invalid.length > 0) {
    throw invalidNotificationEmails(
      `'notification-emails' must be a comma-separated list of email addresses; invalid: ${invalid
        .map((e) => JSON.stringify(e))
        .join(", ")}.`,
    );
  }
  return list;
}

function startSubmission(core: CppCore, ctx: RequestContext, offer: Offer, kind: "publish" | "golive"): void {
  const emails = parseNotificationEmails(ctx.body);
  const op = core.state.startSubmission(offer, kind, { emails, queued: true });
  sendEmpty(ctx.res, 202, locationHeaders(offer.config.locationHeader, offer, op, core.state, core.url));
}

function cancel(core: CppCore, ctx: RequestContext, offer: Offer): void {
  const emails = parseNotificationEmails(ctx.body);
  const result = core.state.cancel(offer, emails);
  if (result.kind === "sync") {
    sendEmpty(ctx.res, 200);
    return;
  }
  const op = result.cancellation as OperationRecord;
  const foreignOrigin = core.faults.takeForeignLocation(ctx.method, ctx.rawPath);
  if (foreignOrigin !== undefined) {
    const header =
      offer.config.locationHeader === "operation-location-absolute" ? "Operation-Location" : "Location";
    sendEmpty(ctx.res, 202, { [header]: `${foreignOrigin}${operationPath(offer, op, core.state)}` });
    return;
  }
  sendEmpty(ctx.res, 202, locationHeaders(offer.config.locationHeader, offer, op, core.state, core.url));
}
