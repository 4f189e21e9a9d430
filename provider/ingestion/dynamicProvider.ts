/**
 * The dynamic provider of `IngestionJobCancellation`: the object Pulumi serializes into every such
 * resource's state (`__provider`). As for the CPP resource (`../dynamicProvider.ts`), installed as
 * a package this module is listed in the `exports` map, so the state holds only
 * `require("pulumi-marketplace-cancel/dist/provider/ingestion/dynamicProvider")`; loaded from a
 * checkout, these functions are stored by value and capture nothing but one string: they
 * `require` the implementation (`lifecycle.ts`) at call time, inside the provider process.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Lifecycle from "./lifecycle";

/**
 * Where the implementation is, resolved in the process that loads this module. Installed, that
 * process never serializes these functions (the `exports` entry is stored instead), so the path
 * never reaches a user's state; from a checkout it is this build's own path. The lifecycle is not
 * an exported subpath: nothing but this module ever needs to reach it.
 */
const ENTRY: string = require.resolve("./lifecycle");

function load(): typeof Lifecycle {
  return require(ENTRY);
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
