/**
 * The resource calls of the provider protocol (Check, Diff, Create, Read, Update, Delete), each
 * routed by type token to its lifecycle module (`resources.ts`) with plain values: secrets
 * unwrapped and the serialized dynamic provider of a migrated record dropped on the way in, the
 * spec's secret keys (and any input the program made secret) wrapped again on the way out
 * (`secrets.ts`). What each call decides is the lifecycle's (docs/design.md §5 "The resource").
 */
import type * as Pb from "@pulumi/pulumi/proto/provider_pb";
import { PREVIEW_FLAG } from "../kit/preview";
import { jsToStruct, providerPb, structToJs } from "./grpc";
import { runsForPreview } from "./preview";
import { ServedResource, resourceOf } from "./resources";
import { containsSecret, plainProperties, wrapSecretKeys } from "./secrets";

type Props = Record<string, unknown>;

/** What goes back to the engine: secret keys wrapped, no `__provider`. */
export function returned(resource: ServedResource, props: Props, madeSecret: readonly string[] = []): Props {
  return wrapSecretKeys(plainProperties(props), [...resource.spec.secretKeys, ...madeSecret]);
}

/** The inputs the program sent as secrets (top level): they stay secret in what is returned. */
function secretKeysOf(props: Props): string[] {
  return Object.keys(props).filter((k) => containsSecret(props[k]));
}

export async function check(req: Pb.CheckRequest): Promise<Pb.CheckResponse> {
  const resource = resourceOf(req.getUrn(), req.getType());
  const news = structToJs(req.getNews());
  const plainNews = plainProperties(news);
  // The preview lookup runs only in `pulumi preview` (preview.ts), never in `up`.
  if (runsForPreview()) plainNews[PREVIEW_FLAG] = true;
  const outcome = await resource.lifecycle.check(plainProperties(structToJs(req.getOlds())), plainNews);
  const resp = new providerPb.CheckResponse();
  resp.setInputs(jsToStruct(returned(resource, outcome.inputs, secretKeysOf(news))));
  resp.setFailuresList(
    outcome.failures.map((f) => {
      const failure = new providerPb.CheckFailure();
      failure.setProperty(f.property);
      failure.setReason(f.reason);
      return failure;
    }),
  );
  return resp;
}

export async function diff(req: Pb.DiffRequest): Promise<Pb.DiffResponse> {
  const resource = resourceOf(req.getUrn(), req.getType());
  const result = await resource.lifecycle.diff(
    req.getId(),
    plainProperties(structToJs(req.getOlds())),
    plainProperties(structToJs(req.getNews())),
  );
  const resp = new providerPb.DiffResponse();
  const { DIFF_SOME, DIFF_NONE } = providerPb.DiffResponse.DiffChanges;
  resp.setChanges(result.changes ? DIFF_SOME : DIFF_NONE);
  resp.setReplacesList(result.replaces ?? []);
  resp.setDeletebeforereplace(result.deleteBeforeReplace ?? false);
  return resp;
}

export async function create(req: Pb.CreateRequest): Promise<Pb.CreateResponse> {
  const resource = resourceOf(req.getUrn(), req.getType());
  const inputs = structToJs(req.getProperties());
  const resp = new providerPb.CreateResponse();
  // Configure says supportsPreview: false, so the engine never asks this; should one ever do,
  // nothing is sent: the inputs stand for the outputs, as the engine itself does then.
  if (req.getPreview()) {
    resp.setProperties(jsToStruct(inputs));
    return resp;
  }
  const { id, outs } = await resource.lifecycle.create(plainProperties(inputs));
  resp.setId(id);
  resp.setProperties(jsToStruct(returned(resource, outs, secretKeysOf(inputs))));
  return resp;
}

export async function update(req: Pb.UpdateRequest): Promise<Pb.UpdateResponse> {
  const resource = resourceOf(req.getUrn(), req.getType());
  const news = structToJs(req.getNews());
  const resp = new providerPb.UpdateResponse();
  if (req.getPreview()) {
    resp.setProperties(jsToStruct(news));
    return resp;
  }
  const olds = plainProperties(structToJs(req.getOlds()));
  const { outs } = await resource.lifecycle.update(req.getId(), olds, plainProperties(news));
  resp.setProperties(jsToStruct(returned(resource, outs, secretKeysOf(news))));
  return resp;
}

export async function read(req: Pb.ReadRequest): Promise<Pb.ReadResponse> {
  const resource = resourceOf(req.getUrn(), req.getType());
  const stored = structToJs(req.getProperties());
  const { id, props } = await resource.lifecycle.read(req.getId(), plainProperties(stored));
  const resp = new providerPb.ReadResponse();
  resp.setId(id);
  resp.setProperties(jsToStruct(returned(resource, props, secretKeysOf(stored))));
  const inputs = req.getInputs();
  if (inputs)
    resp.setInputs(jsToStruct(returned(resource, structToJs(inputs), secretKeysOf(structToJs(inputs)))));
  return resp;
}

export async function deleteResource(req: Pb.DeleteRequest): Promise<void> {
  const resource = resourceOf(req.getUrn(), req.getType());
  await resource.lifecycle.deleteResource(req.getId(), plainProperties(structToJs(req.getProperties())));
}
