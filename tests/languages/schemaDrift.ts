/**
 * Where a package schema disagrees with the specs it is made from: read from the specs here, not
 * through `provider/plugin/schemaTypes.ts`, so a fault in that translation shows as a drift.
 */
import { SETTING_ROWS } from "../../provider/core/settingTable";
import type { InputSpec } from "../../provider/kit/inputSpec";
import { SCHEMA_RESOURCES, SchemaResource } from "../../provider/plugin/schema";

type Json = Record<string, unknown>;

const isScalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
const sorted = (names: readonly string[]) => [...names].sort().join(", ");
const object = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});

/** The enumeration type a property refers to, if any. */
function enumValues(schema: Json, property: Json): unknown[] | undefined {
  const ref = typeof property.$ref === "string" ? property.$ref : "";
  const type = object(object(schema.types)[ref.replace(/^#\/types\//, "")]);
  return Array.isArray(type.enum) ? type.enum.map((e) => object(e).value) : undefined;
}

function inputDrift(schema: Json, where: string, input: InputSpec, p: Json): string[] {
  const drift: string[] = [];
  const at = `${where}.inputProperties.${input.name}`;
  if (Boolean(p.secret) !== Boolean(input.secret)) drift.push(`${at}: secret is ${Boolean(p.secret)}`);
  if (typeof p.description !== "string" || !p.description.startsWith(input.doc)) {
    drift.push(`${at}: the description does not start with the spec's doc`);
  }
  const stored = "default" in input ? input.default : undefined;
  if (isScalar(stored) ? p.default !== stored : p.default !== undefined) {
    drift.push(`${at}: default ${JSON.stringify(p.default)}, the spec says ${JSON.stringify(stored)}`);
  }
  if (stored !== undefined && !isScalar(stored) && !String(p.description).includes(JSON.stringify(stored))) {
    drift.push(`${at}: the description does not give the default ${JSON.stringify(stored)}`);
  }
  const values = enumValues(schema, p);
  if (input.values) {
    if (sorted((values ?? []) as string[]) !== sorted(input.values)) {
      drift.push(
        `${at}: enumeration ${JSON.stringify(values)}, the spec says ${JSON.stringify(input.values)}`,
      );
    }
  } else if (values) drift.push(`${at}: an enumeration the spec does not have`);
  else if (!input.schema && p.type !== input.type)
    drift.push(`${at}: type ${String(p.type)}, the spec says ${input.type}`);
  return drift;
}

function resourceDrift(schema: Json, resource: SchemaResource): string[] {
  const where = `resources["${resource.token}"]`;
  const r = object(object(schema.resources)[resource.token]);
  const inputs = resource.spec.inputs;
  const results = Object.entries(resource.results);
  const drift: string[] = [];
  const same = (what: string, actual: unknown, expected: readonly string[]) => {
    const names = Array.isArray(actual) ? (actual as string[]) : Object.keys(object(actual));
    if (sorted(names) !== sorted(expected))
      drift.push(`${where}.${what}: [${sorted(names)}], expected [${sorted(expected)}]`);
  };
  same("inputProperties", r.inputProperties, resource.spec.names);
  same(
    "requiredInputs",
    r.requiredInputs ?? [],
    inputs.filter((i) => i.required).map((i) => i.name),
  );
  same("properties", r.properties, [...resource.spec.names, ...results.map(([k]) => k)]);
  same("required", r.required ?? [], [
    ...inputs.filter((i) => i.required || "default" in i).map((i) => i.name),
    ...results.filter(([, v]) => v.required).map(([k]) => k),
  ]);
  for (const input of inputs) {
    drift.push(...inputDrift(schema, where, input, object(object(r.inputProperties)[input.name])));
    const out = object(object(r.properties)[input.name]);
    if (Boolean(out.secret) !== Boolean(input.secret))
      drift.push(`${where}.properties.${input.name}: secret is ${Boolean(out.secret)}`);
  }
  for (const [name, result] of results) {
    const out = object(object(r.properties)[name]);
    if (out.description !== result.description)
      drift.push(`${where}.properties.${name}: not the declared description`);
  }
  const aliases = Array.isArray(r.aliases) ? r.aliases.map((a) => object(a).type) : [];
  if (!aliases.includes(resource.dynamicToken)) drift.push(`${where}.aliases: no ${resource.dynamicToken}`);
  return drift;
}

function settingsDrift(schema: Json): string[] {
  const drift: string[] = [];
  const rows = SETTING_ROWS.filter(([, s]) => s.config !== undefined);
  for (const [what, properties] of [
    ["config.variables", object(object(schema.config).variables)],
    ["provider.inputProperties", object(object(schema.provider).inputProperties)],
  ] as const) {
    const expected = rows.map(([, s]) => s.config as string);
    if (sorted(Object.keys(properties)) !== sorted(expected))
      drift.push(`${what}: [${sorted(Object.keys(properties))}], expected [${sorted(expected)}]`);
    for (const [, s] of rows) {
      const p = object(properties[s.config as string]);
      if (Boolean(p.secret) !== s.secret) drift.push(`${what}.${s.config}: secret is ${Boolean(p.secret)}`);
      if (!String(p.description).toLowerCase().startsWith(s.doc.toLowerCase()))
        drift.push(`${what}.${s.config}: not the table's doc`);
    }
  }
  return drift;
}

/** Every disagreement between `schema` and the specs, one line each; none when they agree. */
export function schemaDrift(schema: Json, resources: readonly SchemaResource[] = SCHEMA_RESOURCES): string[] {
  const drift = resources.flatMap((r) => resourceDrift(schema, r));
  const extra = Object.keys(object(schema.resources)).filter((t) => !resources.some((r) => r.token === t));
  if (extra.length) drift.push(`resources: ${extra.join(", ")} has no spec`);
  return [...drift, ...settingsDrift(schema)];
}
