// Public entry point of the emulator library. Other packages (provider tests, the demo) import
// only from here; the modules behind it (core/, cpp/, ingestion/) are free to change.

export type { Emulator, EmulatorOptions } from "./api";
export { startEmulator } from "./emulator";
export { defaultSeed, loadSeedFile, parseSeed, type Seed } from "./seed";
export { SeedError } from "./core/validate";
export type { CoreEmulator } from "./core/api";
export type { CppEmulator } from "./cpp/api";
export type {
  CancelMode,
  LocationHeaderMode,
  OfferConfig,
  OfferConfigPatch,
  PcMigrationStatus,
  Vocabulary,
} from "./cpp/seed";
export type { Fault, FaultMatch, FaultRule } from "./core/faults";
export type { RecordedRequest, RequestFilter } from "./core/recorder";
export type { OfferHistoryEntry, OfferView, OperationView } from "./cpp/views";
export { API_VERSION } from "./cpp/render";
export { CPP_RESOURCE, CPP_SCOPE, GRAPH_RESOURCE, GRAPH_SCOPE } from "./core/entra";
export type { Audience } from "./core/auth";
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
export { CA_DIR_ENV, type TlsOption } from "./core/tls";
export {
  DEFAULT_FEDERATED_AUDIENCE,
  JWT_BEARER_ASSERTION_TYPE,
  type FederatedCredential,
  type MintOptions,
} from "./core/federation";
