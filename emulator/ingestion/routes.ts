// The Product Ingestion API routes under /rp/product-ingestion/ (docs/ingestion-api.md §2–§5).
//
// Checks run in a fixed order, like the CPP routes: authentication (401; a token issued for the
// CPP audience is refused), `$version` (400), route and method (404/405), then per resource access
// (403) and existence (404). Access: a product belongs to a publisher (seed `publisher`); a token
// reaches it when its principal's `publishers` list names that publisher or "*", the same list that
// governs the CPP routes. Jobs are reached through their product.
//
// Leniencies of the live service that clients rely on: `//` in paths, query names in any case
// (`externalid`, `externalID`, `$Version`), `$schema` URLs on either host.

import { authenticate, canAccess, type Principal } from "../core/auth";
import { internalError, ServiceError } from "../core/errors";
import { isPlainObject, selectRoute, sendJson, type RequestContext } from "../core/http";
import {
  detailNotReady,
  forbidden,
  ingestionErrorBody,
  invalidRequest,
  jobNotFound,
  methodNotAllowed,
  noRoute,
  resourceNotFound,
  schemaValidation,
  unauthorized,
  unknownProductReference,
  versionDeprecated,
  versionInvalid,
  versionMissing,
} from "./errors";
import {
  configureDetail,
  configureStatus,
  DEFAULT_VERSION,
  KNOWN_VERSIONS,
  listedSubmissions,
  renderProduct,
  renderSubmission,
} from "./render";
import { SCHEMA_HOSTS } from "./settings";
import { evaluateJob, type IngestionCore, type IngestionState, type Job, type Product } from "./state";

/** The path segments after /rp/product-ingestion (empty ones from `//` dropped), or undefined. */
export function matchIngestion(segments: readonly string[]): string[] | undefined {
  const s = segments.filter((x) => x !== "");
  return s[0] === "rp" && s[1] === "product-ingestion" ? s.slice(2) : undefined;
}

interface Call {
  core: IngestionCore;
  state: IngestionState;
  ctx: RequestContext;
  principal: Principal;
  version: string;
}

type Handler = (call: Call, params: string[]) => void;

const ROUTES: { method: "GET" | "POST"; pattern: string[]; handle: Handler }[] = [
  { method: "POST", pattern: ["configure"], handle: postConfigure },
  { method: "GET", pattern: ["configure", ":id", "status"], handle: getStatus },
  { method: "GET", pattern: ["configure", ":id"], handle: getDetail },
  { method: "POST", pattern: ["configure", ":id", "cancel"], handle: postCancel },
  { method: "GET", pattern: ["product"], handle: listProducts },
  { method: "GET", pattern: ["product", ":guid"], handle: getProduct },
  { method: "GET", pattern: ["submission", ":guid"], handle: listSubmissions },
  { method: "GET", pattern: ["submission", ":guid", ":n"], handle: getSubmission },
];

/** Serves one request under /rp/product-ingestion/; `rest` comes from matchIngestion. */
export function handleIngestion(core: IngestionCore, ctx: RequestContext, rest: string[]): void {
  try {
    const principal = authenticate(core, ctx.req.headers.authorization, "graph", unauthorized);
    const version = resolveVersion(core.ingestion, ctx);
    const { route, params } = selectRoute(ROUTES, rest, ctx.method, {
      notFound: () => noRoute(ctx.rawPath),
      wrongMethod: (allow) => methodNotAllowed(ctx.method, allow),
    });
    route.handle({ core, state: core.ingestion, ctx, principal, version }, params);
  } catch (e) {
    const error = e instanceof ServiceError ? e : internalError(e);
    sendJson(ctx.res, error.status, ingestionErrorBody(error), error.headers);
  }
}

/** A query parameter by name in any case (the service ignores the case of names). */
export function queryParam(ctx: RequestContext, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of ctx.query) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

const VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(-preview\d+)?$/;

/**
 * `$version` (docs/ingestion-api.md §1): a ceiling; the answer uses the newest known, non-deprecated
 * version not above it. Absent → preview2 unless required; deprecated → the real service's
 * no-details 400; malformed or older than every known version → 400 with details.
 */
function resolveVersion(state: IngestionState, ctx: RequestContext): string {
  const asked = queryParam(ctx, "$version");
  if (asked === undefined || asked === "") {
    if (state.settings.versionRequired) throw versionMissing();
    return DEFAULT_VERSION;
  }
  if (state.settings.deprecatedVersions.includes(asked)) throw versionDeprecated(asked);
  const deprecated = state.settings.deprecatedVersions;
  const usable = VERSION_FORMAT.test(asked)
    ? KNOWN_VERSIONS.filter((v) => v <= asked && !deprecated.includes(v))
    : [];
  if (usable.length === 0) throw versionInvalid(asked, KNOWN_VERSIONS);
  return usable[usable.length - 1];
}

function requireAccess(call: Call, product: Product): void {
  if (!canAccess(call.principal, product.publisher))
    throw forbidden(call.principal.name, `product/${product.guid}`);
}

function requireJob(call: Call, id: string): Job {
  const job = call.state.job(id);
  if (job === undefined) throw jobNotFound(id);
  if (job.product !== undefined) requireAccess(call, job.product);
  return job;
}

function requireProduct(call: Call, guid: string): Product {
  const product = call.state.findProduct(guid);
  if (product === undefined) throw resourceNotFound(`product/${guid}`);
  requireAccess(call, product);
  return product;
}

// ---------------------------------------------------------------------------------------------
// Jobs

const SCHEMA_URL = new RegExp(
  `^(?:${Object.values(SCHEMA_HOSTS)
    .map((h) => h.replace(/[.]/g, "\\."))
    .join("|")})/schema/([a-z][a-z0-9-]*)/([0-9A-Za-z-]+)$`,
);

/** The resource type a `$schema` URL names; either host is accepted (surrounding blanks too). */
function schemaType(value: unknown, path: string): string {
  if (typeof value !== "string") throw schemaValidation(`${path} is required and must be a schema URL.`);
  const m = SCHEMA_URL.exec(value.trim());
  if (m === null) {
    throw schemaValidation(
      `${path} must be ${SCHEMA_HOSTS.mp}/schema/<type>/<version> (or the ${SCHEMA_HOSTS.azureedge} host), got ${JSON.stringify(value.slice(0, 200))}.`,
    );
  }
  return m[1];
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw invalidRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
}

function postConfigure(call: Call): void {
  const body = call.ctx.body.trim() === "" ? undefined : parseJson(call.ctx.body);
  if (!isPlainObject(body))
    throw schemaValidation("The body must be a configure object with $schema and resources.");
  if (schemaType(body.$schema, "$schema") !== "configure") {
    throw schemaValidation("$schema must name the configure schema (…/schema/configure/<version>).");
  }
  const resources = body.resources;
  if (!Array.isArray(resources) || resources.length === 0) {
    throw schemaValidation("resources must be a non-empty array.");
  }
  let publish:
    { targetType: "preview" | "live"; body: Record<string, unknown>; product: Product } | undefined;
  const others: { type: string; body: Record<string, unknown> }[] = [];
  const referenced: Product[] = [];
  for (const [i, r] of resources.entries()) {
    const path = `resources[${i}]`;
    if (!isPlainObject(r)) throw schemaValidation(`${path} must be an object.`);
    const type = schemaType(r.$schema, `${path}.$schema`);
    const stored: Record<string, unknown> = { ...r };
    delete stored.resourceName;
    delete stored.validations;
    for (const ref of [r.product, type === "product" ? r.id : undefined]) {
      if (typeof ref !== "string" || !/^product\//i.test(ref)) continue;
      const product = call.state.findProduct(ref);
      if (product === undefined) throw unknownProductReference(ref);
      requireAccess(call, product);
      referenced.push(product);
    }
    if (type !== "submission") {
      others.push({ type, body: stored });
      continue;
    }
    const target = isPlainObject(r.target) ? r.target.targetType : undefined;
    if (target !== "preview" && target !== "live") {
      throw invalidRequest(
        `${path}.target.targetType must be "preview" or "live" to publish, got ${JSON.stringify(target)}.`,
        "invalidResource",
      );
    }
    if (typeof r.product !== "string" || !/^product\//i.test(r.product)) {
      throw schemaValidation(`${path}.product must be "product/<productGuid>".`);
    }
    if (publish !== undefined)
      throw invalidRequest("Only one submission resource per configure request.", "invalidResource");
    publish = { targetType: target, body: stored, product: call.state.findProduct(r.product) as Product };
  }
  const job = call.state.createJob({
    product: publish?.product ?? referenced[0],
    publish,
    resources: others,
  });
  sendJson(
    call.ctx.res,
    call.state.settings.configureStatusCode,
    configureStatus(call.state, job, call.version),
  );
}

function getStatus(call: Call, [id]: string[]): void {
  sendJson(call.ctx.res, 200, configureStatus(call.state, requireJob(call, id), call.version));
}

function getDetail(call: Call, [id]: string[]): void {
  const job = requireJob(call, id);
  if (evaluateJob(job, call.state.now()).status !== "completed") {
    throw detailNotReady(call.state.settings.detailBeforeCompletionStatus, job.id);
  }
  sendJson(call.ctx.res, 200, configureDetail(call.state, job, call.version));
}

function postCancel(call: Call, [id]: string[]): void {
  const job = requireJob(call, id);
  const text = call.ctx.body.trim();
  if (text !== "") {
    const body = parseJson(text);
    if (!isPlainObject(body) || Object.keys(body).length > 0) {
      throw invalidRequest("A cancel takes no body (or an empty JSON object).");
    }
  }
  call.state.cancel(job);
  sendJson(call.ctx.res, 200, configureStatus(call.state, job, call.version));
}

// ---------------------------------------------------------------------------------------------
// Products and submissions

function listProducts(call: Call): void {
  const externalId = queryParam(call.ctx, "externalId");
  let products: Product[];
  if (externalId === undefined) {
    products = call.state.allProducts().filter((p) => canAccess(call.principal, p.publisher));
  } else {
    const product = call.state.productByExternalId(externalId);
    if (product !== undefined) requireAccess(call, product);
    products = product === undefined ? [] : [product];
  }
  sendJson(call.ctx.res, 200, { value: products.map((p) => renderProduct(call.state, p, call.version)) });
}

function getProduct(call: Call, [guid]: string[]): void {
  sendJson(call.ctx.res, 200, renderProduct(call.state, requireProduct(call, guid), call.version));
}

function listSubmissions(call: Call, [guid]: string[]): void {
  const product = requireProduct(call, guid);
  const targetType = queryParam(call.ctx, "targetType");
  const wanted = targetType?.toLowerCase();
  if (wanted !== undefined && !["draft", "preview", "live"].includes(wanted)) {
    throw invalidRequest(`targetType must be draft, preview or live, got ${JSON.stringify(targetType)}.`);
  }
  const value = listedSubmissions(call.state, product)
    .filter(
      (e) =>
        wanted === undefined || (e.submission === "draft" ? "draft" : e.submission.targetType) === wanted,
    )
    .map((e) => renderSubmission(call.state, product, e, call.version));
  sendJson(call.ctx.res, 200, { value });
}

function getSubmission(call: Call, [guid, n]: string[]): void {
  const product = requireProduct(call, guid);
  if (n === "0") {
    sendJson(call.ctx.res, 200, renderSubmission(call.state, product, { submission: "draft" }, call.version));
    return;
  }
  const submission = product.submissions.find((s) => s.number === n);
  const st = submission && call.state.submissionState(submission);
  if (submission === undefined || st === undefined || st === "removed") {
    throw resourceNotFound(`submission/${product.guid}/${n}`);
  }
  sendJson(call.ctx.res, 200, renderSubmission(call.state, product, { submission, ...st }, call.version));
}
