"""Cancel the running publish or go-live of one Azure Marketplace offer, from Python.

The ids come from stack config; the credentials from the provider's settings (stack config
``marketplace:*`` or the environment, README "Configuration and credentials")::

    pulumi config set publisherId contoso
    pulumi config set offerId contoso-offer
    pulumi config set marketplace:tenantId <tenant> ...
"""

import pulumi
import pulumi_marketplace as marketplace

config = pulumi.Config()

stop = marketplace.OfferOperationCancellation(
    "stop-publish",
    publisher_id=config.require("publisherId"),
    offer_id=config.require("offerId"),
    notification_emails=config.get_object("notificationEmails") or [],
)

# "succeeded" | "canceled" | "nothingToCancel" | "pending" | ...
pulumi.export("status", stop.status)
pulumi.export("canceledOperation", stop.canceled_operation)
