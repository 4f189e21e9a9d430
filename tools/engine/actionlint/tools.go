//go:build tools

// Package actionlint pins actionlint, the GitHub Actions workflow linter that
// ensurePulumi.ts builds from the Go module proxy. The blank import only keeps
// `go mod tidy` from dropping its module requirements; nothing here is compiled.
package actionlint

import _ "github.com/rhysd/actionlint/cmd/actionlint"
