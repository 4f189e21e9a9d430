/**
 * What one lifecycle call of an `OfferOperationCancellation` works with: `../kit/context.ts`'s
 * call context for the Cloud Partner Portal, with its origin setting (`marketplace:endpoint`) and
 * the CPP audience.
 */
import type { ProviderSettings } from "../core/settings";
import { ApiBinding, CallContext, CallTarget, bindApi, callContext } from "../kit/context";
import type { Printer } from "../kit/progress";
import { CppClient } from "./client";
import { CPP_API_FACTS } from "./service";

export const CPP_API: ApiBinding<CppClient> = bindApi(CPP_API_FACTS, CppClient);

export type Context = CallContext<CppClient>;

export interface Target extends CallTarget {
  publisherId: string;
  offerId: string;
}

/** How every line about one offer's cancellation starts. */
export function subjectOf(publisherId: string, offerId: string): string {
  return `[marketplace] ${publisherId}/${offerId}`;
}

export function contextFor(target: Target, settings: ProviderSettings, printer: Printer): Context {
  return callContext(CPP_API, target, subjectOf(target.publisherId, target.offerId), settings, printer);
}
