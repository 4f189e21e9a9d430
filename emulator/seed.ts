// The seed: the emulator's initial world, composed of the shared sign-in part (core/seed.ts), the
// CPP part (`publishers`, cpp/seed.ts) and the Product Ingestion part (`ingestion`,
// ingestion/settings.ts); the default seed, and the strict validation of a seed file.

import { readFileSync } from "node:fs";

import { CORE_SEED_KEYS, defaultCoreSeed, parseCoreSeed, type CoreSeed } from "./core/seed";
import { checkKeys, expectObject, SeedError } from "./core/validate";
import { defaultPublishers, parsePublishers, type PublisherConfig } from "./cpp/seed";
import { defaultIngestionSeed, parseIngestionSeed, type IngestionSeed } from "./ingestion/settings";

export interface Seed extends CoreSeed {
  /** The CPP API's publishers, offers and their quirks (emulator/cpp/seed.ts). */
  publishers?: Record<string, PublisherConfig>;
  /** The Product Ingestion API's products, jobs and switches (emulator/ingestion/settings.ts). */
  ingestion?: IngestionSeed;
}

/** The world described in the README and used by the demo and the tests. */
export function defaultSeed(): Seed {
  return { ...defaultCoreSeed(), publishers: defaultPublishers(), ingestion: defaultIngestionSeed() };
}

/** Validates untrusted JSON as a seed; throws SeedError("<path>: <problem>"). */
export function parseSeed(v: unknown, source = "seed"): Seed {
  const root = expectObject(v, source);
  checkKeys(root, source, ["$schema", "$comment", ...CORE_SEED_KEYS, "publishers", "ingestion"]);
  const seed: Seed = parseCoreSeed(root, source);
  if (root.publishers !== undefined)
    seed.publishers = parsePublishers(root.publishers, `${source}.publishers`);
  if (root.ingestion !== undefined)
    seed.ingestion = parseIngestionSeed(root.ingestion, `${source}.ingestion`);
  return seed;
}

/** Reads and validates a seed file; every error message names the file. */
export function loadSeedFile(file: string): Seed {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SeedError(`cannot read seed file ${file}: ${code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SeedError(`seed file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseSeed(json, "seed");
  } catch (e) {
    if (e instanceof SeedError) throw new SeedError(`invalid seed file ${file}: ${e.message}`);
    throw e;
  }
}
