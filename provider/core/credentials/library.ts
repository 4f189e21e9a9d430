/**
 * `@azure/identity`, loaded on first use only: it is large, and check, diff and preview without a
 * lookup never need it (a unit test proves that choosing a credential does not load it).
 */
export type Identity = typeof import("@azure/identity");

export function loadIdentity(): Identity {
  return require("@azure/identity") as Identity;
}
