/**
 * A publisher's Pulumi program, as it would sit in their own repository: it imports the package by
 * name and reads everything else from stack config. The packaging test copies it into a fresh
 * project outside this repository, type-checks it with the tsconfig files a user has, and runs it.
 */
import * as pulumi from "@pulumi/pulumi";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";

const config = new pulumi.Config();

const stopPublish = new OfferOperationCancellation("stop-publish", {
  publisherId: config.require("publisherId"),
  offerId: config.require("offerId"),
  notificationEmails: ["ops@contoso.com"],
  pollIntervalSeconds: { min: 0.2, max: 1 },
  timeoutSeconds: config.getNumber("timeoutSeconds"),
});

export const status = stopPublish.status;
export const canceledOperationId = stopPublish.canceledOperation.apply((op) => op?.id);
