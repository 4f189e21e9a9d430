/**
 * Properties of the package schema made from the specs (docs/design.md §5 "Inputs", "Outputs"):
 * an input spec entry becomes an input property and, echoed in state, an output property; a
 * result declaration (`<api>/outputs.ts`) becomes an output property. Named types (enumerations
 * made from an input's `values`, the object types the declarations name) are collected as they
 * are met, under `marketplace:index:<Name>`.
 */
import type { InputSpec, OnChange } from "../kit/inputSpec";
import type { ObjectSchema, PropertySchema, SchemaType } from "../kit/schemaType";
import { PACKAGE_NAME } from "./resources";

type Json = Record<string, unknown>;

/** What a change of the input does, said the way `diff` does it (`kit/diff.ts`). */
const ON_CHANGE: Readonly<Record<OnChange, string>> = {
  replace: "Changing it replaces the resource: a new cancel.",
  update: "Changing it updates the resource in place; nothing is sent to the service.",
  nothing: "Changing it alone is no change of the resource.",
};

/** The types of the spec's `type` text that need no `schema` of their own. */
const PRIMITIVES = new Set(["string", "number", "integer", "boolean"]);

export const tokenOf = (name: string): string => `${PACKAGE_NAME}:index:${name}`;

const refTo = (name: string): Json => ({ $ref: `#/types/${tokenOf(name)}` });

/** `ifNothingToCancel` → `IfNothingToCancel`: the enumeration type of an input with `values`. */
export const enumNameOf = (input: InputSpec): string => input.name[0].toUpperCase() + input.name.slice(1);

/** Schema defaults are scalars only; a list or object default is said in the description. */
const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

/** The named types met so far, by token. */
export class TypeRegistry {
  private readonly types = new Map<string, Json>();

  /** All of them, by token in sorted order (the schema's `types`). */
  all(): Json {
    return Object.fromEntries([...this.types.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The type spec of `type`, registering the object types it names. */
  typeSpec(type: SchemaType): Json {
    if ("object" in type) return this.object(type.object);
    if ("oneOf" in type) return { oneOf: type.oneOf.map((t) => this.typeSpec(t)) };
    switch (type.type) {
      case "any":
        return { $ref: "pulumi.json#/Any" };
      case "array":
        return { type: "array", items: this.typeSpec(type.items) };
      case "map":
        return { type: "object", additionalProperties: this.typeSpec(type.additionalProperties) };
      default:
        return { type: type.type };
    }
  }

  /** An input's type: its enumeration, its `schema` (or `stored`, for the output), or its `type` text. */
  inputTypeSpec(input: InputSpec, stored = false): Json {
    if (input.values) return this.enumeration(input);
    const declared = (stored && input.stored) || input.schema;
    if (declared) return this.typeSpec(declared);
    if (!PRIMITIVES.has(input.type)) {
      throw new Error(`input ${input.name} (${input.type}) needs a schema type in its spec`);
    }
    return { type: input.type };
  }

  /** An input property of a resource. */
  inputProperty(input: InputSpec): Json {
    const notes = [input.doc];
    const stored = "default" in input ? input.default : undefined;
    if (input.defaultDoc !== undefined) notes.push(`Default: ${input.defaultDoc}.`);
    else if (stored !== undefined) notes.push(`Default: \`${JSON.stringify(stored)}\`.`);
    notes.push(ON_CHANGE[input.onChange]);
    return {
      ...this.inputTypeSpec(input),
      description: notes.join(" "),
      ...(isScalar(stored) ? { default: stored } : {}),
      ...(input.secret ? { secret: true } : {}),
    };
  }

  /** The same input as an output: the value `check` stored, echoed in state. */
  echoedProperty(input: InputSpec): Json {
    return {
      ...this.inputTypeSpec(input, true),
      description: input.doc,
      ...(input.secret ? { secret: true } : {}),
    };
  }

  /** A result, or a property of an object type. */
  property(schema: PropertySchema): Json {
    return { ...this.typeSpec(schema.type), description: schema.description };
  }

  private enumeration(input: InputSpec): Json {
    const name = enumNameOf(input);
    const values = input.values ?? [];
    this.define(name, {
      type: "string",
      description: `The values of \`${input.name}\`: ${values.map((v) => `\`${v}\``).join(", ")}.`,
      enum: values.map((value) => ({ value })),
    });
    return refTo(name);
  }

  private object(object: ObjectSchema): Json {
    const entries = Object.entries(object.properties);
    const required = entries.filter(([, p]) => p.required).map(([k]) => k);
    this.define(object.name, {
      type: "object",
      description: object.description,
      properties: Object.fromEntries(entries.map(([k, p]) => [k, this.property(p)])),
      ...(required.length ? { required } : {}),
    });
    return refTo(object.name);
  }

  /** Two different types under one name would make one SDK type lie about the other. */
  private define(name: string, spec: Json): void {
    const token = tokenOf(name);
    const known = this.types.get(token);
    if (known && JSON.stringify(known) !== JSON.stringify(spec)) {
      throw new Error(`two different schema types are named ${token}`);
    }
    this.types.set(token, spec);
  }
}
