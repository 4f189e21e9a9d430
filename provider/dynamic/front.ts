/**
 * The dynamic-provider front, written once for both resources: the seven provider methods that
 * Pulumi serializes into every resource's state (`__provider`), twice (inputs and outputs), and
 * that the engine's file backend rewrites on every checkpoint. Their size is paid per resource,
 * per step, so they hold nothing but two strings and `require` the lifecycle at call time, inside
 * the provider process.
 *
 * Installed as a package, each front module (`offerOperationCancellation.ts`,
 * `ingestionJobCancellation.ts`) is listed in the `exports` map, so Pulumi's closure serializer
 * stores no code at all: only `require("pulumi-marketplace-cancel/dist/provider/dynamic/<front>")`.
 * Loaded from a checkout (this repository's own tests), the serializer stores these functions by
 * value instead; they then reach the front module as a file and, through its `lifecycle()`, the
 * implementation, which no serialized copy could `require` by a relative path.
 *
 * A front module is one `export = dynamicFront(…)`: its exports object is the provider itself, and
 * whoever hands it to Pulumi imports it with `import x = require(…)`, never `import * as`, whose
 * interop copy would not be the module's exports and would be serialized by value.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** What a front module exports besides the provider methods: its lifecycle, loaded on demand. */
export interface FrontModule<L> {
  lifecycle(): L;
}

/** The lifecycle calls a front forwards (`cpp/lifecycle.ts`, `ingestion/lifecycle.ts`). */
export interface DynamicLifecycle {
  configure: NonNullable<dynamic.ResourceProvider["configure"]>;
  check: NonNullable<dynamic.ResourceProvider["check"]>;
  diff: NonNullable<dynamic.ResourceProvider["diff"]>;
  create: dynamic.ResourceProvider["create"];
  update: NonNullable<dynamic.ResourceProvider["update"]>;
  read: NonNullable<dynamic.ResourceProvider["read"]>;
  deleteResource: NonNullable<dynamic.ResourceProvider["delete"]>;
}

type Provider = Required<dynamic.ResourceProvider>;

/** A front module's exports: the provider methods, and its lifecycle (not a provider method). */
export type Front<L> = Provider & FrontModule<L>;

/**
 * The exports of the front module at `packageEntry` (its name inside the package) whose file is
 * `frontFile`, forwarding to the lifecycle that `lifecycle` loads (a `require` written in the front
 * module, relative to it). The file's path is kept only when the package name does not lead to it
 * (a checkout without the package in node_modules), so a user's state never carries a local path.
 */
export function dynamicFront<L extends DynamicLifecycle>(
  packageEntry: string,
  frontFile: string,
  lifecycle: () => L,
): Front<L> {
  const localEntry: string | undefined = resolvesTo(packageEntry, frontFile) ? undefined : frontFile;
  const load = (): DynamicLifecycle => {
    let front: FrontModule<DynamicLifecycle>;
    try {
      front = require(packageEntry);
    } catch (err) {
      if (localEntry === undefined || (err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
      front = require(localEntry);
    }
    return front.lifecycle();
  };
  return {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    update: (id, olds, news) => load().update(id, olds, news),
    read: (id, props) => load().read(id, props),
    delete: (id, props) => load().deleteResource(id, props),
    lifecycle,
  };
}

function resolvesTo(packageEntry: string, file: string): boolean {
  try {
    return require.resolve(packageEntry) === file;
  } catch {
    return false;
  }
}
