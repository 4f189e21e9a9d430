//go:build tools

// Package cli pins the Pulumi CLI that the end-to-end tests build from the Go
// module proxy. Nothing here is compiled into the product: the blank import
// only keeps `go mod tidy` from dropping the CLI's module requirements.
package cli

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
