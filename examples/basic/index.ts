// The basic declarative cancellation: stop whatever publish or go-live runs on one offer.
// Everything comes from stack config, so the same program serves every offer and environment:
//
//   pulumi config set publisherId contoso
//   pulumi config set offerId contoso-offer
//   pulumi config set --path 'notificationEmails[0]' ops@contoso.com   # optional
//   pulumi config set marketplace:tenantId <tenant> ...                # credentials, see README
import * as pulumi from "@pulumi/pulumi";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";

export = async () => {
  const config = new pulumi.Config();
  const cancellation = new OfferOperationCancellation("stop-publish", {
    publisherId: config.require("publisherId"),
    offerId: config.require("offerId"),
    notificationEmails: config.getObject<string[]>("notificationEmails") ?? [],
    // Set only against a local emulator; the default is https://cloudpartner.azure.com.
    endpoint: config.get("endpoint"),
  });
  return {
    status: cancellation.status,
    canceledOperation: cancellation.canceledOperation,
    completedAt: cancellation.completedAt,
  };
};
