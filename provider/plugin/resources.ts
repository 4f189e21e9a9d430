/**
 * What the plugin serves: each type token, the lifecycle module that handles it and the input
 * spec whose `secretKeys` stay secret in state. The lifecycle modules are the very ones the
 * dynamic resources call (docs/design.md §4 "Two fronts over one lifecycle"): no rule of the
 * cancellation is written here.
 */
import * as cppLifecycle from "../cpp/lifecycle";
import { OFFER_OPERATION_SPEC } from "../cpp/inputSpec";
import * as ingestionLifecycle from "../ingestion/lifecycle";
import { INGESTION_JOB_SPEC } from "../ingestion/inputSpec";
import type { SpecFacts } from "../kit/inputSpec";
import type { Printer } from "../kit/progress";
import type { ConfigureRequest } from "../kit/lifecycle";

/** The plugin's package name: types are `marketplace:index:<Resource>`. */
export const PACKAGE_NAME = "marketplace";

export const OFFER_OPERATION_TOKEN = `${PACKAGE_NAME}:index:OfferOperationCancellation`;
export const INGESTION_JOB_TOKEN = `${PACKAGE_NAME}:index:IngestionJobCancellation`;

type Props = Record<string, unknown>;

/** A lifecycle module as the plugin calls it: plain (unwrapped) values in, plain values out. */
export interface Lifecycle {
  configure(req: ConfigureRequest): Promise<void>;
  setPrinter(printer: Printer): void;
  check(
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props: Props }>;
  deleteResource(id: string, props: Props): Promise<void>;
}

export interface ServedResource {
  readonly lifecycle: Lifecycle;
  readonly spec: SpecFacts;
}

/** By type token. The lifecycle modules' typed signatures are narrowed to plain property bags here. */
export const RESOURCES: Readonly<Record<string, ServedResource>> = {
  [OFFER_OPERATION_TOKEN]: { lifecycle: cppLifecycle as unknown as Lifecycle, spec: OFFER_OPERATION_SPEC },
  [INGESTION_JOB_TOKEN]: { lifecycle: ingestionLifecycle as unknown as Lifecycle, spec: INGESTION_JOB_SPEC },
};

/** The resource a URN names (`urn:pulumi:stack::project::<type>::name`; a parent's type comes first). */
export function resourceOf(urn: string, type?: string): ServedResource {
  const token = type || typeOfUrn(urn);
  const served = RESOURCES[token];
  if (!served) throw new UnknownResourceError(token);
  return served;
}

/** The type token of a URN: the last `$`-separated part of its third `::` field. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

export class UnknownResourceError extends Error {
  override readonly name = "UnknownResourceError";
  constructor(token: string) {
    super(
      `unknown resource type ${JSON.stringify(token)}; this plugin serves ${Object.keys(RESOURCES).join(" and ")}.`,
    );
  }
}

/** Every lifecycle module once (both are configured alike and print alike). */
export function allLifecycles(): Lifecycle[] {
  return Object.values(RESOURCES).map((r) => r.lifecycle);
}
