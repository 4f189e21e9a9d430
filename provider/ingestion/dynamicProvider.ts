/**
 * The dynamic provider of `IngestionJobCancellation`: the object Pulumi serializes into every such
 * resource's state (`__provider`). As for the CPP resource (`../dynamicProvider.ts`), installed as
 * a package this module is listed in the `exports` map, so the state holds only
 * `require("pulumi-marketplace-cancel/dist/provider/ingestion/dynamicProvider")`; loaded from a
 * checkout, these functions are stored by value and capture nothing but two strings: at call
 * time, inside the provider process, they `require` this module as a file and through it the
 * implementation (`lifecycle.ts`), which is not an exported path of its own.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Lifecycle from "./lifecycle";

const PACKAGE_ENTRY = "pulumi-marketplace-cancel/dist/provider/ingestion/dynamicProvider";
/**
 * This file's path, kept only when the package name does not lead to it (a checkout without the
 * package in node_modules), so a user's state never carries a local path.
 */
const LOCAL_ENTRY: string | undefined = resolvesToThisBuild() ? undefined : __filename;

function resolvesToThisBuild(): boolean {
  try {
    return require.resolve(PACKAGE_ENTRY) === __filename;
  } catch {
    return false;
  }
}

/**
 * The implementation, reached through this module as a file (the only exported path): its
 * {@link lifecycle} requires `./lifecycle` beside it, which no serialized copy could do.
 */
function load(): typeof Lifecycle {
  let self: { lifecycle(): typeof Lifecycle };
  try {
    self = require(PACKAGE_ENTRY);
  } catch (err) {
    if (LOCAL_ENTRY === undefined || (err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
    self = require(LOCAL_ENTRY);
  }
  return self.lifecycle();
}

/** The lifecycle module beside this file (`lifecycle.ts`); not a provider method. */
export function lifecycle(): typeof Lifecycle {
  return require("./lifecycle");
}

type Provider = Required<dynamic.ResourceProvider>;

export const configure: Provider["configure"] = (req) => load().configure(req);
export const check: Provider["check"] = (olds, news) => load().check(olds, news);
export const diff: Provider["diff"] = (id, olds, news) => load().diff(id, olds, news);
export const create: Provider["create"] = (inputs) => load().create(inputs);
export const update: Provider["update"] = (id, olds, news) => load().update(id, olds, news);
export const read: Provider["read"] = (id, props) => load().read(id, props);
const deleteResource: Provider["delete"] = (id, props) => load().deleteResource(id, props);
export { deleteResource as delete };
