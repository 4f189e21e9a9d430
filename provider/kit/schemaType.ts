/**
 * The words in which the input specs and the output declarations state their Pulumi schema types:
 * a small subset of a package schema's type specs, written beside each input and output so the
 * native plugin's schema (`plugin/schema.ts`) is made from the same entries as `check`, `diff` and
 * the README (docs/design.md §4 "Two fronts over one lifecycle"). Types only: nothing here runs.
 */

/** A property's type. Enumerations are not written here: an input spec's `values` make them. */
export type SchemaType =
  | { readonly type: "string" | "number" | "integer" | "boolean" }
  /** Anything JSON can hold (`pulumi.json#/Any`). */
  | { readonly type: "any" }
  | { readonly type: "array"; readonly items: SchemaType }
  /** An object with free keys. */
  | { readonly type: "map"; readonly additionalProperties: SchemaType }
  /** One of these (a union; the SDKs accept either). */
  | { readonly oneOf: readonly SchemaType[] }
  /** A named object type (`marketplace:index:<name>`). */
  | { readonly object: ObjectSchema };

/** One property of an object type or one result of a resource. */
export interface PropertySchema {
  readonly type: SchemaType;
  /** One line (Markdown). */
  readonly description: string;
  /** Always present. */
  readonly required?: true;
}

/** A named object type: `marketplace:index:<name>`. */
export interface ObjectSchema {
  readonly name: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, PropertySchema>>;
}

/** The keys of `T` that are not optional. */
export type RequiredKeysOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * The schema of every property of the TypeScript type `T`, no more and no fewer, each marked
 * `required` exactly when `T` does not make it optional: a declaration typed with this fails to
 * compile when it drifts from the interface it describes.
 */
export type PropertiesOf<T> = {
  readonly [K in keyof T]-?: PropertySchema &
    (K extends RequiredKeysOf<T> ? { readonly required: true } : { readonly required?: undefined });
};

export const STRING: SchemaType = { type: "string" };
export const INTEGER: SchemaType = { type: "integer" };
export const BOOLEAN: SchemaType = { type: "boolean" };
export const arrayOf = (items: SchemaType): SchemaType => ({ type: "array", items });

/** A named object type whose properties are checked against the TypeScript type `T`. */
export const objectType = <T>(
  name: string,
  description: string,
  properties: PropertiesOf<T>,
): SchemaType => ({
  object: { name, description, properties },
});
