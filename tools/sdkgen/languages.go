package main

import (
	"fmt"
	"sort"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// generator turns a bound package into files keyed by slash-separated paths relative to the language's
// output directory.
type generator func(tool string, pkg *schema.Package, local bool) (map[string][]byte, error)

var generators = map[string]generator{
	"nodejs": func(tool string, pkg *schema.Package, local bool) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, local, noReferences{})
	},
	"python": func(tool string, pkg *schema.Package, _ bool) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, noReferences{})
	},
	"go": func(tool string, pkg *schema.Package, _ bool) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
}

var defaultLanguages = []string{"nodejs", "python", "go"}

// unavailable names the languages whose generator cannot be built here, and why, so that asking for one is
// a clear refusal rather than "unknown language".
var unavailable = map[string]string{
	"dotnet": "the .NET generator is not part of github.com/pulumi/pulumi/pkg/v3: it lives in the " +
		"pulumi/pulumi-dotnet repository (Go module github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3, " +
		"package codegen), and the Go module proxy reachable from this machine does not serve that module " +
		"(403 \"This module version is not available\"); generate the .NET SDK where that module can be " +
		"fetched, e.g. with `pulumi package gen-sdk --language dotnet` and pulumi-language-dotnet installed",
}

func knownLanguages() []string {
	names := make([]string, 0, len(generators)+len(unavailable))
	for name := range generators {
		names = append(names, name)
	}
	for name := range unavailable {
		names = append(names, name+" (unavailable)")
	}
	sort.Strings(names)
	return names
}

// parseLanguages validates a comma-separated list, keeping the caller's order and dropping repeats.
func parseLanguages(list string) ([]string, error) {
	var languages []string
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		if reason, ok := unavailable[name]; ok {
			return nil, fmt.Errorf("%s is not available: %s", name, reason)
		}
		if _, ok := generators[name]; !ok {
			return nil, fmt.Errorf("unknown language %q (known: %s)", name, strings.Join(knownLanguages(), ", "))
		}
		languages = append(languages, name)
	}
	if len(languages) == 0 {
		return nil, fmt.Errorf("no language requested")
	}
	return languages, nil
}
