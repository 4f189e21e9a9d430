// The error answers every part of the emulator shares: ServiceError (thrown by route modules, state
// rules and the admin API; the server turns it into a response), its default wire shape
// `{"error":{"code","message"}}` (the CPP API's, and that of the admin API, unknown paths and
// injected faults), and the errors no one API owns. Each API's own errors live in its folder
// (cpp/errors.ts, ingestion/errors.ts); Entra's token errors have a shape of their own (entra.ts).

/** An error answer of the emulated service. Thrown; the server writes it (see server.ts). */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export const badRequest = (message: string): ServiceError => new ServiceError(400, "BadRequest", message);

/** No route at this path; `what` names the family of routes looked in ("CPP resource", ...). */
export const noResource = (what: string, rawPath: string): ServiceError =>
  new ServiceError(404, "NotFound", `No ${what} at ${rawPath.split("?")[0]}.`);

/** `where` words the place for the message ("on this resource", "here"); `allow` lists the methods. */
export const methodNotAllowed = (method: string, allow: string, where: string): ServiceError =>
  new ServiceError(405, "MethodNotAllowed", `${method} is not supported ${where}; use ${allow}.`, {
    Allow: allow,
  });

export const requestTooLarge = (limitBytes: number): ServiceError =>
  new ServiceError(413, "RequestEntityTooLarge", `Request bodies are limited to ${limitBytes} bytes.`);

/** A bug in the emulator still answers in the documented shape, never with a hung client. */
export const internalError = (cause: unknown): ServiceError =>
  new ServiceError(
    500,
    "InternalServerError",
    `The emulator failed: ${(cause as Error).message ?? String(cause)}`,
  );

/** A reason phrase-like error code for a bare status (injected faults). */
export function defaultErrorCode(status: number): string {
  const codes: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    408: "RequestTimeout",
    409: "Conflict",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServerError",
    501: "NotImplemented",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
    505: "HTTPVersionNotSupported",
  };
  return codes[status] ?? (status >= 500 ? "InternalServerError" : "Error");
}

/** The error an injected `status` fault without a body of its own answers with. */
export const injectedError = (status: number, headers: Record<string, string>): ServiceError =>
  new ServiceError(
    status,
    defaultErrorCode(status),
    status === 429
      ? "Too many requests. Please retry later."
      : status >= 500
        ? "An internal server error occurred, please try again later."
        : "Injected fault.",
    headers,
  );
