/**
 * `withIngestion.ts` moved to the native plugin: the same resources, by the same names, from the
 * SDK generated from the plugin's schema (`pulumi-marketplace-cancel/native`). The SDK's classes
 * carry aliases from the dynamic type tokens, so a stack deployed with the dynamic classes moves
 * over by this change of program alone (the upgrade test, from 0.3.0).
 */
import * as pulumi from "@pulumi/pulumi";
import { IngestionJobCancellation, OfferOperationCancellation } from "pulumi-marketplace-cancel/native";

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
