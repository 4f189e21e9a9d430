// Next to @pulumi/azure-native: reuse its sign-in. getClientToken asks Azure AD for a token for
// the Cloud Partner Portal (scope = endpoint + "/.default", so no trailing slash), and the
// cancellation takes it as its secret `accessToken` input. The token never causes a diff, and it
// is used only when no renewable credential is configured (see the package README).
import * as azureNative from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { OfferOperationCancellation } from "pulumi-marketplace-cancel";

export = async () => {
  const config = new pulumi.Config();
  const token = azureNative.authorization.getClientTokenOutput({
    endpoint: "https://cloudpartner.azure.com",
  });
  const cancellation = new OfferOperationCancellation("stop-publish", {
    publisherId: config.require("publisherId"),
    offerId: config.require("offerId"),
    // getClientToken's result is not marked secret; the resource makes it one anyway.
    accessToken: pulumi.secret(token.token),
  });
  return { status: cancellation.status };
};
