// Several offers cancelled in one stack, each guarded by expectedOperationId: the cancel is sent
// only if the operation running on the offer is the one named here. If someone started a new
// publish meanwhile, `pulumi up` fails for that offer without cancelling anything.
//
//   pulumi config set --path 'offers[0].offerId' contoso-vm
//   pulumi config set --path 'offers[0].operationId' 56615b67-2185-49fe-80d2-c4ddf77bb2e8
//   pulumi config set --path 'offers[1].offerId' contoso-saas
//   pulumi config set --path 'offers[1].operationId' 0d7f4c1e-9b35-4c1c-8d0b-2f0f3c6f2a11
import * as pulumi from "@pulumi/pulumi";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";

interface OfferToStop {
  offerId: string;
  operationId: string;
}

export = async () => {
  const config = new pulumi.Config();
  const publisherId = config.get("publisherId") ?? "contoso";
  const offers = config.requireObject<OfferToStop[]>("offers");
  const results: Record<string, pulumi.Output<string>> = {};
  for (const offer of offers) {
    const cancellation = new OfferOperationCancellation(`stop-${offer.offerId}`, {
      publisherId,
      offerId: offer.offerId,
      expectedOperationId: offer.operationId,
      // A guard that finds nothing running is a mistake worth failing on.
      ifNothingToCancel: "fail",
      endpoint: config.get("endpoint"),
    });
    results[offer.offerId] = cancellation.status;
  }
  return { statuses: results };
};
