// Cancel the running publish or go-live of one Azure Marketplace offer, from C#. The ids come from
// stack config; the credentials from the provider's settings (stack config marketplace:* or the
// environment, README "Configuration and credentials"). The SDK (namespace Pulumi.Marketplace) is
// generated into sdk/dotnet first: see README.md.
using System.Collections.Generic;
using Pulumi;
using Pulumi.Marketplace;

return await Deployment.RunAsync(() =>
{
    var config = new Config();

    var stop = new OfferOperationCancellation("stop-publish", new OfferOperationCancellationArgs
    {
        PublisherId = config.Require("publisherId"),
        OfferId = config.Require("offerId"),
    });

    return new Dictionary<string, object?>
    {
        // "succeeded" | "canceled" | "nothingToCancel" | "pending" | ...
        ["status"] = stop.Status,
        ["canceledOperation"] = stop.CanceledOperation,
    };
});
