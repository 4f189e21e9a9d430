// Cancel the running publish or go-live of one Azure Marketplace offer, from Go. The ids come from
// stack config; the credentials from the provider's settings (stack config marketplace:* or the
// environment, README "Configuration and credentials").
package main

import (
	"github.com/pulumi-marketplace-cancel/pulumi-marketplace-cancel/sdk/go/marketplace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conf := config.New(ctx, "")
		stop, err := marketplace.NewOfferOperationCancellation(ctx, "stop-publish", &marketplace.OfferOperationCancellationArgs{
			PublisherId: pulumi.String(conf.Require("publisherId")),
			OfferId:     pulumi.String(conf.Require("offerId")),
		})
		if err != nil {
			return err
		}
		// "succeeded" | "canceled" | "nothingToCancel" | "pending" | ...
		ctx.Export("status", stop.Status)
		ctx.Export("canceledOperation", stop.CanceledOperation)
		return nil
	})
}
