/**
 * The object Pulumi serializes into every resource's state (`__provider`). It must stay tiny and
 * capture nothing but one or two strings: each method `require`s the real implementation
 * (`lifecycle.ts`) at call time inside the provider process.
 *
 * Resolution order: the package name (how users install us, and stable across machines); the
 * absolute path of this build is added only when the name does not lead to this very build (a
 * checkout without the package in node_modules), so a user's state never carries a local path.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Lifecycle from "./lifecycle";

const PACKAGE_ENTRY = "pulumi-marketplace-cancel/dist/provider/lifecycle";
const LOCAL_ENTRY: string | undefined = resolvesToThisBuild() ? undefined : require.resolve("./lifecycle");

function resolvesToThisBuild(): boolean {
  try {
    return require.resolve(PACKAGE_ENTRY) === require.resolve("./lifecycle");
  } catch {
    return false;
  }
}

function load(): typeof Lifecycle {
  try {
    return require(PACKAGE_ENTRY);
  } catch (err) {
    if (LOCAL_ENTRY === undefined || (err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
    return require(LOCAL_ENTRY);
  }
}

export const cancellationProvider: dynamic.ResourceProvider = {
  configure: (req) => load().configure(req),
  check: (olds, news) => load().check(olds, news),
  diff: (id, olds, news) => load().diff(id, olds, news),
  create: (inputs) => load().create(inputs),
  update: (id, olds, news) => load().update(id, olds, news),
  read: (id, props) => load().read(id, props),
  delete: (id, props) => load().deleteResource(id, props),
};
