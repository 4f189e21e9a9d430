// The native plugin's OfferOperationCancellation, from the Node.js SDK inside the npm package.
// The default provider reads the stack config marketplace:* (README "Configuration and
// credentials"); a second tenant, if configured, gets an explicit provider of its own:
//
//   pulumi config set publisherId contoso
//   pulumi config set offerId contoso-offer
//   pulumi config set marketplace:tenantId <tenant> ...          # credentials, see README
//   pulumi config set tenantB:tenantId <tenant>                   # optional: a second tenant, with
//   pulumi config set --secret tenantB:clientSecret <secret>      # tenantB:clientId, publisherId
//                                                                 # and offerId
import * as pulumi from "@pulumi/pulumi";
import * as marketplace from "pulumi-marketplace-cancel/native";

const config = new pulumi.Config();

const stop = new marketplace.OfferOperationCancellation("stop-publish", {
  publisherId: config.require("publisherId"),
  offerId: config.require("offerId"),
  notificationEmails: config.getObject<string[]>("notificationEmails") ?? [],
});

export const status = stop.status; // "succeeded" | "canceled" | "nothingToCancel" | "pending" | ...
export const canceledOperation = stop.canceledOperation; // { id, submissionType, slot, state }

/** The second tenant's cancellation: an explicit provider serves the resources that name it. */
function tenantBCancellation(): marketplace.OfferOperationCancellation | undefined {
  const tenantB = new pulumi.Config("tenantB");
  const tenantId = tenantB.get("tenantId");
  if (tenantId === undefined) return undefined;
  const provider = new marketplace.Provider("tenant-b", {
    tenantId,
    clientId: tenantB.require("clientId"),
    clientSecret: tenantB.requireSecret("clientSecret"),
  });
  return new marketplace.OfferOperationCancellation(
    "stop-publish-tenant-b",
    { publisherId: tenantB.require("publisherId"), offerId: tenantB.require("offerId") },
    { provider },
  );
}

export const tenantBStatus = tenantBCancellation()?.status;
