// Public entry point of the CPP emulator library. Other packages (provider tests, the demo)
// import only from here; the modules behind it are free to change.

export type { Emulator, EmulatorOptions } from "./api";
export { startEmulator } from "./emulator";
export {
  defaultSeed,
  loadSeedFile,
  parseSeed,
  SeedError,
  type CancelMode,
  type LocationHeaderMode,
  type OfferConfig,
  type OfferConfigPatch,
  type PcMigrationStatus,
  type Seed,
  type Vocabulary,
} from "./seed";
export type { Fault, FaultMatch, FaultRule } from "./faults";
export type { RecordedRequest, RequestFilter } from "./recorder";
export type { OfferHistoryEntry, OfferView, OperationView } from "./views";
export { API_VERSION } from "./render";
export { CPP_RESOURCE, CPP_SCOPE, GRAPH_RESOURCE, GRAPH_SCOPE } from "./aad";
export type { Audience } from "./auth";
export type {
  IngestionEmulator,
  IngestionJobView,
  IngestionProductView,
  IngestionResourceView,
  IngestionSubmissionView,
} from "./ingestion/api";
export {
  DEFAULT_INGESTION_PRODUCT,
  INGESTION_DEFAULTS,
  type IngestionErrorItem,
  type IngestionProductConfig,
  type IngestionSeed,
  type IngestionSettings,
  type IngestionSettingsPatch,
  type PublishJobOptions,
  type ScriptedResource,
} from "./ingestion/settings";
export { CANNOT_CANCEL_COMPLETED, CANNOT_CANCEL_PAST_POINT_OF_NO_RETURN } from "./ingestion/errors";
export { CA_DIR_ENV, type TlsOption } from "./tls";
export {
  DEFAULT_FEDERATED_AUDIENCE,
  JWT_BEARER_ASSERTION_TYPE,
  type FederatedCredential,
  type MintOptions,
} from "./federation";
