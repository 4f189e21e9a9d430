// Cancel on destroy: `pulumi up` only records the intent (after one read that proves the ids and
// credentials work); `pulumi destroy` sends the cancel. Useful in a stack that starts a publish
// for a test offer: tearing the stack down also stops the publish it started.
import * as pulumi from "@pulumi/pulumi";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";

export = async () => {
  const config = new pulumi.Config();
  const guard = new OfferOperationCancellation("cancel-on-teardown", {
    publisherId: config.require("publisherId"),
    offerId: config.require("offerId"),
    when: "destroy",
    // Tear-down should not fail just because the publish already finished.
    ifNothingToCancel: "succeed",
    timeoutSeconds: 600,
    endpoint: config.get("endpoint"),
  });
  return { status: guard.status, message: guard.message };
};
