package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noReferences is the schema loader. A schema that uses another package's types would need that package's
// provider plugin installed and started to fetch its schema, which an offline generator must not do; the
// marketplace schema is self-contained, so any such reference is a mistake worth failing on.
type noReferences struct{}

var _ schema.ReferenceLoader = noReferences{}

var errNoReferences = errors.New("sdkgen generates self-contained packages only")

func refuse(name string) error {
	return fmt.Errorf("the schema refers to package %q: %w", name, errNoReferences)
}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, refuse(pkg)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, refuse(d.Name)
}

func (noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, refuse(pkg)
}

func (noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, refuse(d.Name)
}
