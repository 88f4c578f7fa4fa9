/**
 * A refit of the model on a subset or a rearrangement of the studies: leave-one-out and cumulative steps, influence
 * deletions, GOSH subsets, permutations. One that cannot be fitted (an InputError: a tau² search that does not
 * converge on that subset, a design that loses a level) gives undefined, and `failed` hears why, as metafor wraps
 * each refit in try() and reports NA; any other error is a defect and is thrown.
 */
import { InputError } from "../../shared/errors.js";

export function tryRefit<T>(fit: () => T, failed?: (e: InputError) => void): T | undefined {
  try {
    return fit();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    failed?.(e);
    return undefined;
  }
}
