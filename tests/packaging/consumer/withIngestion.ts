/**
 * The consumer program for releases that ship both resources (0.3.0 on): the CPP cancellation of
 * `index.ts` and a Product Ingestion job cancellation beside it, both read from stack config, so
 * the upgrade test deploys state of each kind with the release and upgrades it in place. Compiled
 * with `front: "native"` it imports the same classes from the native plugin's SDK
 * (`pulumi-marketplace-cancel/native`), whose aliases from the dynamic type tokens let a deployed
 * stack move over by that one edit (the upgrade test, from 0.3.0).
 */
import * as pulumi from "@pulumi/pulumi";
import { IngestionJobCancellation, OfferOperationCancellation } from "pulumi-marketplace-cancel";

const config = new pulumi.Config();
const timeoutSeconds = config.getNumber("timeoutSeconds");

const stopPublish = new OfferOperationCancellation("stop-publish", {
  publisherId: config.require("publisherId"),
  offerId: config.require("offerId"),
  notificationEmails: ["ops@contoso.com"],
  pollIntervalSeconds: { min: 0.2, max: 1 },
  timeoutSeconds,
});

const stopJob = new IngestionJobCancellation("stop-job", {
  jobId: config.require("jobId"),
  pollIntervalSeconds: { min: 0.2, max: 1 },
  timeoutSeconds,
});

export const status = stopPublish.status;
export const canceledOperationId = stopPublish.canceledOperation.apply((op) => op?.id);
export const jobStatus = stopJob.status;
