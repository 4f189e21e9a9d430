module github.com/pulumi-marketplace-cancel/pulumi-marketplace-cancel/sdk/go

go 1.25

require github.com/pulumi/pulumi/sdk/v3 v3.30.0
