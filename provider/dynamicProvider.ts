/**
 * The dynamic provider. This module's exports are the provider object that Pulumi serializes
 * into every resource's state (`__provider`), twice (inputs and outputs), and that the engine's
 * file backend rewrites on every checkpoint: its size is paid per resource, per step.
 *
 * Installed as a package, the module lives under node_modules and is listed in the `exports`
 * map, so Pulumi's closure serializer stores no code at all: only
 * `require("pulumi-marketplace-cancel/dist/provider/dynamicProvider")`. Loaded from a checkout
 * (this repository's own tests), the serializer stores these functions by value instead; they
 * capture nothing but the two strings of {@link load} and `require` the implementation
 * (`lifecycle.ts`) at call time inside the provider process.
 *
 * State written by 0.1.0 serialized an object whose methods require
 * `pulumi-marketplace-cancel/dist/provider/lifecycle` directly: that path stays exported, and
 * `lifecycle.ts` keeps the method names those methods call.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Lifecycle from "./lifecycle";

const PACKAGE_ENTRY = "pulumi-marketplace-cancel/dist/provider/lifecycle";
/**
 * The absolute path of this build, kept only when the package name does not lead to it (a
 * checkout without the package in node_modules), so a user's state never carries a local path.
 */
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

type Provider = Required<dynamic.ResourceProvider>;

export const configure: Provider["configure"] = (req) => load().configure(req);
export const check: Provider["check"] = (olds, news) => load().check(olds, news);
export const diff: Provider["diff"] = (id, olds, news) => load().diff(id, olds, news);
export const create: Provider["create"] = (inputs) => load().create(inputs);
export const update: Provider["update"] = (id, olds, news) => load().update(id, olds, news);
export const read: Provider["read"] = (id, props) => load().read(id, props);
const deleteResource: Provider["delete"] = (id, props) => load().deleteResource(id, props);
export { deleteResource as delete };
