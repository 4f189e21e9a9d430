//go:build tools

// Package yaml pins the Pulumi YAML language host (pulumi-language-yaml) that
// ensurePulumi.ts builds from the Go module proxy and puts beside the pulumi
// binary. The blank import only keeps `go mod tidy` from dropping the host's
// module requirements; nothing here is compiled.
package yaml

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
