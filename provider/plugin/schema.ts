/**
 * The Pulumi package schema of the native `marketplace` provider, served by GetSchema and the
 * source of the generated SDKs (`sdk/`, written by `npm run sdk`). Nothing in it is written here
 * that a spec already says: inputs, defaults, enumerations, secrets and descriptions come from the
 * input specs (`cpp/inputSpec.ts`, `ingestion/inputSpec.ts`, the shared ones in
 * `kit/inputSpec.ts`), results from the declarations beside the outputs types (`<api>/outputs.ts`)
 * and the provider's settings from `core/settingTable.ts` (docs/design.md §4 "Two fronts over one
 * lifecycle"). The version is the package's, so SDKs ask the engine for this very plugin
 * (docs/design.md §10).
 */
import { CONFIG_NAMESPACE, SETTING_ROWS, Setting, SettingName } from "../core/settingTable";
import { OFFER_OPERATION_SPEC } from "../cpp/inputSpec";
import { OFFER_OPERATION_RESULTS } from "../cpp/outputs";
import { OFFER_OPERATION_CANCELLATION_TYPE_TOKEN } from "../cpp/resource";
import { INGESTION_JOB_SPEC } from "../ingestion/inputSpec";
import { INGESTION_JOB_RESULTS } from "../ingestion/outputs";
import { INGESTION_JOB_CANCELLATION_TYPE_TOKEN } from "../ingestion/resource";
import type { SpecFacts } from "../kit/inputSpec";
import { BOOLEAN, PropertySchema, STRING, SchemaType } from "../kit/schemaType";
import { INGESTION_JOB_TOKEN, OFFER_OPERATION_TOKEN, PACKAGE_NAME } from "./resources";
import { TypeRegistry } from "./schemaTypes";
import { packageVersion } from "./version";

type Json = Record<string, unknown>;

/** One resource of the schema: what the specs and declarations say, plus its own description. */
export interface SchemaResource {
  readonly token: string;
  readonly description: string;
  readonly spec: SpecFacts;
  readonly results: Readonly<Record<string, PropertySchema>>;
  /** The dynamic resource's type token: a deployed stack moves over by this alias. */
  readonly dynamicToken: string;
}

export const SCHEMA_RESOURCES: readonly SchemaResource[] = [
  {
    token: OFFER_OPERATION_TOKEN,
    description:
      "A declared cancellation of whatever publish or go-live runs on one Azure Marketplace offer, through the Cloud Partner Portal API.",
    spec: OFFER_OPERATION_SPEC,
    results: OFFER_OPERATION_RESULTS,
    dynamicToken: OFFER_OPERATION_CANCELLATION_TYPE_TOKEN,
  },
  {
    token: INGESTION_JOB_TOKEN,
    description:
      "A declared cancellation of one Product Ingestion API configure job (the publish a `POST configure` started), by the `jobId` that call returned.",
    spec: INGESTION_JOB_SPEC,
    results: INGESTION_JOB_RESULTS,
    dynamicToken: INGESTION_JOB_CANCELLATION_TYPE_TOKEN,
  },
];

/**
 * The settings that are not text. Stack config is text either way; the type decides what the
 * SDKs' config getters and `Provider` arguments take (`core/settings.ts` reads the switch).
 */
const SETTING_TYPES: Partial<Readonly<Record<SettingName, SchemaType>>> = { previewLookup: BOOLEAN };

/** The rows of the settings table that stack config (and so a `Provider`) can give. */
function settingProperties(): Json {
  const rows = SETTING_ROWS.filter(([, s]) => s.config !== undefined) as (readonly [SettingName, Setting])[];
  return Object.fromEntries(
    rows.map(([name, s]) => {
      const notes = [`${s.doc[0].toUpperCase()}${s.doc.slice(1)}.`];
      notes.push(`Else read from ${s.env.map((v) => `\`${v}\``).join(", then ")}.`);
      if (s.default !== undefined) notes.push(`Default: ${s.default}.`);
      const type = SETTING_TYPES[name] ?? STRING;
      return [
        s.config,
        {
          ...new TypeRegistry().typeSpec(type),
          description: notes.join(" "),
          ...(s.secret ? { secret: true } : {}),
        },
      ];
    }),
  );
}

function resourceSpec(resource: SchemaResource, types: TypeRegistry): Json {
  const inputs = resource.spec.inputs;
  const results = Object.entries(resource.results);
  return {
    description: resource.description,
    properties: Object.fromEntries([
      ...inputs.map((i) => [i.name, types.echoedProperty(i)]),
      ...results.map(([name, r]) => [name, types.property(r)]),
    ]),
    required: [
      ...inputs.filter((i) => i.required || "default" in i).map((i) => i.name),
      ...results.filter(([, r]) => r.required).map(([name]) => name),
    ],
    inputProperties: Object.fromEntries(inputs.map((i) => [i.name, types.inputProperty(i)])),
    requiredInputs: inputs.filter((i) => i.required).map((i) => i.name),
    aliases: [{ type: resource.dynamicToken }],
  };
}

/** Where each language's SDK lives and what it is called (`tools/sdkgen/README.md`). */
const LANGUAGES = {
  nodejs: {
    // The Node SDK ships inside this npm package, as `pulumi-marketplace-cancel/native`.
    packageName: "pulumi-marketplace-cancel",
    respectSchemaVersion: true,
  },
  python: { packageName: "pulumi_marketplace", respectSchemaVersion: true },
  go: {
    importBasePath: "github.com/pulumi-marketplace-cancel/pulumi-marketplace-cancel/sdk/go/marketplace",
    respectSchemaVersion: true,
  },
  csharp: { rootNamespace: "Pulumi", respectSchemaVersion: true, packageReferences: { Pulumi: "3.*" } },
};

/** The package schema, for `resources` (both of this package unless a test says otherwise). */
export function packageSchema(resources: readonly SchemaResource[] = SCHEMA_RESOURCES): Json {
  const types = new TypeRegistry();
  const settings = settingProperties();
  const resourceSpecs = Object.fromEntries(resources.map((r) => [r.token, resourceSpec(r, types)]));
  return {
    name: PACKAGE_NAME,
    displayName: "Azure Marketplace cancellation",
    version: packageVersion(),
    description:
      "Declarative cancellation of Azure Marketplace publishing: Cloud Partner Portal offer operations and Product Ingestion API jobs.",
    keywords: ["pulumi", CONFIG_NAMESPACE, "azure", "partner-center", "category/utility", "kind/native"],
    license: "Apache-2.0",
    // A Go module (`sdk/go/go.mod`) beside the Go SDK, and versions taken from this schema.
    meta: { supportPack: true },
    config: { variables: settings },
    provider: {
      description: `The ${PACKAGE_NAME} provider: the settings of one tenant. Unset ones are read from the environment.`,
      inputProperties: settings,
    },
    resources: resourceSpecs,
    types: types.all(),
    language: LANGUAGES,
  };
}
