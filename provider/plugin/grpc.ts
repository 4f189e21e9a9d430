/**
 * The gRPC runtime and the provider protocol's generated stubs, as `@pulumi/pulumi` ships them.
 * The stubs `require("@grpc/grpc-js")` and `require("google-protobuf")` from `@pulumi/pulumi`'s own
 * directory; a server or a message class from another copy of either would not be recognized by
 * them (`instanceof` checks in serialization). So both are resolved from there too, not from this
 * package, which does not depend on them (docs/design.md §4 "Two fronts over one lifecycle").
 */
import * as path from "node:path";
import type * as GrpcJs from "@grpc/grpc-js";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as AnyPb from "google-protobuf/google/protobuf/any_pb";
import type * as ProviderGrpcPb from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as EngineGrpcPb from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";

/** `@pulumi/pulumi`'s directory: where its dependencies resolve from. */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/** `require` of a dependency of `@pulumi/pulumi`, the copy its stubs load. */
function fromPulumi<T>(id: string): T {
  return require(require.resolve(id, { paths: [PULUMI_DIR] })) as T;
}

export const grpc = fromPulumi<typeof GrpcJs>("@grpc/grpc-js");
export const emptyPb = fromPulumi<typeof EmptyPb>("google-protobuf/google/protobuf/empty_pb");
export const structPb = fromPulumi<typeof StructPb>("google-protobuf/google/protobuf/struct_pb");
export const anyPb = fromPulumi<typeof AnyPb>("google-protobuf/google/protobuf/any_pb");

export const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof ProviderGrpcPb;
export const providerPb = require("@pulumi/pulumi/proto/provider_pb") as typeof ProviderPb;
export const pluginPb = require("@pulumi/pulumi/proto/plugin_pb") as typeof PluginPb;
export const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof EngineGrpcPb;
export const enginePb = require("@pulumi/pulumi/proto/engine_pb") as typeof EnginePb;
export const statusPb = require("@pulumi/pulumi/proto/status_pb") as typeof StatusPb;

/** A struct's contents as plain JSON values (`null` for an absent struct). */
export function structToJs(s: StructPb.Struct | undefined): Record<string, unknown> {
  return (s?.toJavaScript() ?? {}) as Record<string, unknown>;
}

export function jsToStruct(v: Record<string, unknown>): StructPb.Struct {
  return structPb.Struct.fromJavaScript(v as Record<string, StructPb.JavaScriptValue>);
}

/** Large states and schemas: the engine's own limit (`@pulumi/pulumi` runtime settings). */
export const CHANNEL_OPTIONS = { "grpc.max_receive_message_length": 400 * 1024 * 1024 };
