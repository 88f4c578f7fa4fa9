/**
 * Worker thread of the workbench pool (piscina): runs one workbench job (meta-analysis, network meta-analysis or
 * trial sequential analysis) and returns the output, or the error as plain data (an InputError's reason and
 * location, or a limit), so the main thread can answer 400/413/422.
 */
import type { MessagePort } from "node:worker_threads";
import { isInputError } from "../shared/errors.js";
import { WorkbenchLimitError, runNmaWorkbench, runTsaWorkbench, runWorkbench, type NmaWorkbenchOutput, type TsaWorkbenchOutput, type WorkbenchJob, type WorkbenchOutput } from "./core.js";

export type WorkerOutput = WorkbenchOutput | NmaWorkbenchOutput | TsaWorkbenchOutput;

export type WorkerAnswer =
  | { ok: true; out: WorkerOutput }
  | { ok: false; input?: { reason: string; location: Record<string, unknown> }; limit?: { status: 413 | 422; message: string; field: string }; message?: string };

/** The task: the job, and a port on which the worker says when it starts (the time budget counts from then). */
export interface WorkerTask {
  job: WorkbenchJob;
  started?: MessagePort;
}

export default async function work(task: WorkerTask): Promise<WorkerAnswer> {
  const { job } = task;
  task.started?.postMessage("started");
  task.started?.close();
  try {
    const file = { ...job.file, content: Buffer.from(job.file.content) };
    const out = job.kind === "nma" ? await runNmaWorkbench({ ...job, file }) : job.kind === "tsa" ? await runTsaWorkbench({ ...job, file }) : await runWorkbench({ ...job, file });
    return { ok: true, out };
  } catch (e) {
    if (isInputError(e)) return { ok: false, input: { reason: e.reason, location: { ...e.location } } };
    if (e instanceof WorkbenchLimitError) return { ok: false, limit: { status: e.status, message: e.message, field: e.field } };
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
