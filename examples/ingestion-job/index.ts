// Cancel a publish submitted through Partner Center's Product Ingestion API (`POST configure`).
// That API cannot list running jobs, so the jobId comes from the configure reply of whatever
// started the publish (your release pipeline, a script, the Partner Center CLI extension):
//
//   pulumi config set jobId 0c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d    # from the configure reply
//   pulumi config set product contoso-offer                         # optional: report its submissions
//   pulumi config set marketplace:tenantId <tenant> ...              # credentials, see README
//
// Credentials are asked for the Microsoft Graph audience (https://graph.microsoft.com). Against a
// local emulator, set marketplace:ingestionEndpoint to its URL.
import * as pulumi from "@pulumi/pulumi";
import { IngestionJobCancellation } from "pulumi-marketplace-cancel";

export = async () => {
  const config = new pulumi.Config();
  const cancellation = new IngestionJobCancellation("stop-ingestion-publish", {
    jobId: config.require("jobId"),
    product: config.get("product"),
    // A job that finished before the cancel is reported (status "alreadyCompleted"), not an error.
    ifAlreadyCompleted: "succeed",
  });
  return {
    status: cancellation.status, // "canceled" | "alreadyCompleted" | "pending" | ...
    jobResult: cancellation.jobResult, // "cancelled", or how the job ended on its own
    appliedResources: cancellation.appliedResources, // applied before the cancel: those changes stay
    submissions: cancellation.submissions, // the product's submissions after the cancel
  };
};
