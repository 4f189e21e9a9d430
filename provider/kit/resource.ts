/**
 * What the resource classes of this package share, written once: the module of their type tokens,
 * and what they pass to `pulumi.dynamic.Resource`: the arguments with each secret input wrapped
 * in `pulumi.secret` (a credential never sits in state in clear text), every result key declared
 * (so the outputs exist on the class), and the preview flag `check` reads and removes
 * (preview.ts); and the options that keep the secret inputs secret in the outputs too
 * (`additionalSecretOutputs`: `pulumi.secret` inside outputs fails).
 */
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_FLAG } from "./preview";

/** The module of every type token: `pulumi-nodejs:dynamic/marketplace:<type>`. */
export const RESOURCE_MODULE = "marketplace";

/** The type token the engine shows for a resource type of this package. */
export function typeTokenOf(type: string): string {
  return `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${type}`;
}

/**
 * The arguments both resources take (`inputSpec.ts`'s shared inputs, whose docs and defaults per
 * resource the README's Inputs tables list). Each resource's args add its own in front.
 */
export interface SharedArgs {
  /**
   * When the cancel is sent: `"apply"` (default) on create; `"destroy"` when the resource is
   * deleted (create makes one read now, which proves access). Changing it replaces the resource.
   */
  when?: pulumi.Input<"apply" | "destroy">;
  /**
   * Arbitrary values; any change means "cancel again" (a replacement), like pulumi-command's
   * `triggers`. Use it to cancel a new publish after one was already cancelled.
   */
  triggers?: pulumi.Input<unknown[]> | pulumi.Input<Record<string, unknown>>;
  /**
   * How long one `pulumi up` (or `destroy`) waits for the cancel to finish. Default 1800. On
   * timeout the resource is recorded as pending and the next `up` resumes the wait without sending
   * a second cancel. (`customTimeouts` does not apply to dynamic providers.) Updates in place.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Polling bounds in seconds: a number (the longest wait between polls) or `{ min, max }`. Polls
   * start at `min` and grow ×1.5 to `max`; a longer `Retry-After` wins. Default `{ min: 1, max: 5 }`
   * for an offer operation, `{ min: 60, max: 120 }` for an ingestion job (the service documents at
   * most one status request a minute). Updates in place.
   */
  pollIntervalSeconds?: pulumi.Input<number | { min?: number; max?: number }>;
  /**
   * The API's origin. Default: its stack setting (`marketplace:endpoint` for the Cloud Partner
   * Portal, `marketplace:ingestionEndpoint` for the Product Ingestion API), else the service's
   * own. Plain http is accepted only on loopback (the emulator). Updates in place.
   */
  endpoint?: pulumi.Input<string>;
  /** The API's `api-version` (CPP) or `$version` (Product Ingestion). Updates in place. */
  apiVersion?: pulumi.Input<string>;
  /**
   * A bearer token for the API's audience (`https://cloudpartner.azure.com`,
   * `https://graph.microsoft.com`), e.g. from azure-native's `authorization.getClientToken`.
   * Stored as a secret; never causes a diff. Used only when no credentials are configured in
   * stack config or the environment (those can be renewed; a token input expires after about an
   * hour).
   */
  accessToken?: pulumi.Input<string>;
}

/** What a resource class takes from its spec and its outputs. */
export interface ResourceKeys {
  readonly secretKeys: readonly string[];
  readonly resultKeys: readonly string[];
}

/** A dynamic resource of this package: one of its types, with its keys and its provider front. */
export abstract class MarketplaceResource extends pulumi.dynamic.Resource {
  declare readonly when: pulumi.Output<"apply" | "destroy">;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  declare readonly pollIntervalSeconds: pulumi.Output<{ min: number; max: number }>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly apiVersion: pulumi.Output<string>;
  /** When the cancel was sent (ISO 8601). */
  declare readonly requestedAt: pulumi.Output<string | undefined>;
  declare readonly completedAt: pulumi.Output<string | undefined>;
  /** One line for humans: what happened, or why the wait goes on. */
  declare readonly message: pulumi.Output<string | undefined>;

  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    keys: ResourceKeys,
    name: string,
    args: object,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      provider,
      name,
      dynamicProps(args, keys),
      pulumi.mergeOptions(opts, { additionalSecretOutputs: [...keys.secretKeys] }),
      RESOURCE_MODULE,
      type,
    );
  }
}

function dynamicProps(args: object, keys: ResourceKeys): Record<string, unknown> {
  const props: Record<string, unknown> = { ...args };
  // Secret whatever the caller passed: a credential must never sit in state in clear text.
  for (const key of keys.secretKeys) {
    const value = (args as Record<string, unknown>)[key];
    props[key] = value === undefined ? undefined : pulumi.secret(value);
  }
  for (const output of keys.resultKeys) if (!(output in props)) props[output] = undefined;
  // Tells `check` whether this run is a preview, where it shows what `up` would act on; `check`
  // removes it, so it is never stored and never diffed (preview.ts).
  props[PREVIEW_FLAG] = pulumi.runtime.isDryRun();
  return props;
}
