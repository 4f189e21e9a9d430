/**
 * How a failed call is told to the engine. A wait that stopped after the service accepted the
 * cancel ends in the lifecycle's {@link ResourceInitFailedError} (id, the `pending` outputs, the
 * reasons): answered as the protocol's ErrorResourceInitFailed, packed in the status details, the
 * engine records the resource with those outputs while the step fails, so the next `up` resumes
 * the wait with no second cancel (docs/design.md "Resume"). Any other failure is its message.
 */
import type { ServiceError } from "@grpc/grpc-js";
import { ResourceInitFailedError } from "../core/errors";
import { anyPb, grpc, jsToStruct, providerPb, statusPb } from "./grpc";

/** What a grpc-js handler's callback takes as its error. */
export type CallError = Partial<ServiceError> & { code: number; details: string };

/**
 * The error for a failed call. `outputs` turns the init-failed properties into what the plugin
 * returns (secrets wrapped, `__provider` dropped), like any other outputs.
 */
export function callError(
  err: unknown,
  outputs: (props: Record<string, unknown>) => Record<string, unknown>,
): CallError {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof ResourceInitFailedError)) return { code: grpc.status.UNKNOWN, details: message };
  const detail = new providerPb.ErrorResourceInitFailed();
  detail.setId(err.id);
  detail.setProperties(jsToStruct(outputs(err.properties as Record<string, unknown>)));
  detail.setReasonsList(err.reasons);
  const packed = new anyPb.Any();
  packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusPb.Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(message);
  status.addDetails(packed);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

export function unimplemented(method: string): CallError {
  return {
    code: grpc.status.UNIMPLEMENTED,
    details: `${method} is not implemented by the marketplace provider`,
  };
}
