/** The InputError a call throws (any other error is rethrown; no error at all fails the test). */
import { InputError } from "../../src/shared/errors.js";

export function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** The InputError an async call rejects with. */
export async function inputErrorAsync(f: () => Promise<unknown>): Promise<InputError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}
