// Public surface of the server domain.
export { buildServer } from "./app.js";
export { ServerConfigSchema } from "./config.js";
export type { ServerConfig, ServerConfigInput, ServerHooks } from "./config.js";
export { HttpError } from "./errors.js";
export type { ErrorBody, ErrorCode } from "./errors.js";
export { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } from "./auth.js";
export { pseudonymiseValue, shiftDateString } from "../shared/pseudonym.js";
