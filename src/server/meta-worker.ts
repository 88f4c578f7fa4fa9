/**
 * Worker thread of the workbench pool (piscina): runs one workbench job and returns the output, or the error
 * as plain data (an InputError's reason and location, or a limit), so the main thread can answer 400/413/422.
 */
import { isInputError } from "../shared/errors.js";
import { WorkbenchLimitError, runWorkbench, type WorkbenchJob, type WorkbenchOutput } from "./core.js";

export type WorkerAnswer =
  | { ok: true; out: WorkbenchOutput }
  | { ok: false; input?: { reason: string; location: Record<string, unknown> }; limit?: { status: 413 | 422; message: string; field: string }; message?: string };

export default async function work(job: WorkbenchJob): Promise<WorkerAnswer> {
  try {
    const content = Buffer.from(job.file.content);
    return { ok: true, out: await runWorkbench({ ...job, file: { name: job.file.name, content } }) };
  } catch (e) {
    if (isInputError(e)) return { ok: false, input: { reason: e.reason, location: { ...e.location } } };
    if (e instanceof WorkbenchLimitError) return { ok: false, limit: { status: e.status, message: e.message, field: e.field } };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
