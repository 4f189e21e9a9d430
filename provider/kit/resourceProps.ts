/**
 * What every resource class of this package passes to `pulumi.dynamic.Resource`, written once:
 * the arguments with each secret input wrapped in `pulumi.secret` (a credential never sits in state
 * in clear text), every result key declared (so the outputs exist on the class), and the preview
 * flag `check` reads and removes (previewLookup.ts); and the options that keep the secret inputs
 * secret in the outputs too (`additionalSecretOutputs`: `pulumi.secret` inside outputs fails).
 */
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_FLAG } from "./preview";

export function dynamicProps(
  args: object,
  secretKeys: readonly string[],
  resultKeys: readonly string[],
): Record<string, unknown> {
  const props: Record<string, unknown> = { ...args };
  // Secret whatever the caller passed: a credential must never sit in state in clear text.
  for (const key of secretKeys) {
    const value = (args as Record<string, unknown>)[key];
    props[key] = value === undefined ? undefined : pulumi.secret(value);
  }
  for (const output of resultKeys) if (!(output in props)) props[output] = undefined;
  // Tells `check` whether this run is a preview, where it shows what `up` would act on; `check`
  // removes it, so it is never stored and never diffed (previewLookup.ts).
  props[PREVIEW_FLAG] = pulumi.runtime.isDryRun();
  return props;
}

export function secretOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  secretKeys: readonly string[],
): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secretKeys] });
}
