/**
 * CPU-heavy workbench requests (analyses and plots of uploaded study tables) run in a pool of worker threads
 * (piscina), so the event loop keeps answering other requests (`/api/health`, sign-ins, records) while they
 * compute. Each job has a time budget (the worker is stopped when it runs out: 422), the queue is bounded (503
 * when full), and the number of studies is limited (413 for the analysis, 422 for a PNG plot).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../shared/package-root.js";
import { Piscina } from "piscina";
import { InputError } from "../shared/errors.js";
import type { MetaOptions } from "../stats/types.js";
import type { ForestPlotOptions } from "../stats/plots/index.js";
import type { MetaPlotName, MetaUpload, NmaPlotBody, NmaPlotName, NmaWorkbenchOutput, TsaWorkbenchOutput, WorkbenchJob, WorkbenchLimits, WorkbenchOutput } from "./core.js";
import type { NmaOptions } from "../stats/nma/index.js";
import type { TsaOptions } from "../stats/tsa/index.js";
import { bundleVersions } from "./bundle.js";
import { HttpError } from "./errors.js";
import { MessageChannel } from "node:worker_threads";
import type { WorkerAnswer, WorkerOutput, WorkerTask } from "./meta-worker.js";

/** piscina's transfer-list type (it infers it from the DOM's postMessage overloads, not Node's). */
type RunTransferList = NonNullable<Parameters<Piscina["run"]>[1]>["transferList"];

export interface WorkbenchPoolOptions extends WorkbenchLimits {
  threads: number;
  /** Jobs waiting for a thread before new ones are refused (503). */
  maxQueue: number;
  /** Wall-clock budget of one job (ms). */
  timeBudgetMs: number;
}

/**
 * piscina loads a worker module with `require()` first and `import()` only when that throws. Since Node 20.19,
 * `require()` of an ES module succeeds (require(esm)), and a worker thread stopped while it instantiates the module
 * that way (the pool closed at shutdown, or a thread replaced after a job ran out of its time budget) aborts the
 * whole process: "FATAL ERROR: v8::Module::IsGraphAsync must be used on an instantiated module" (seen in CI, and
 * in about one of 25 pools closed while their thread loads). With require(esm) off in the worker, piscina's
 * `require()` throws ERR_REQUIRE_ESM and the module is loaded by `import()`, which a stopped thread leaves cleanly.
 */
const WORKER_LOADS_BY_IMPORT: string[] = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module") ? ["--no-experimental-require-module"] : [];

/**
 * The worker module: compiled JavaScript next to this file (dist/src/server), the compiled one in the package when
 * this code runs from the bundled command line (dist/cli, where `decidua serve` and `npm start` run it), or (tests
 * running the TypeScript sources) the TypeScript through tsx. None of them: an error at start-up, not at the first job.
 */
export function workerFile(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL("./meta-worker.js", import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: WORKER_LOADS_BY_IMPORT };
  const compiled = join(packageRoot(), "dist", "src", "server", "meta-worker.js");
  if (existsSync(compiled)) return { filename: compiled, execArgv: WORKER_LOADS_BY_IMPORT };
  const ts = fileURLToPath(new URL("./meta-worker.ts", import.meta.url));
  if (existsSync(ts)) return { filename: ts, execArgv: [...WORKER_LOADS_BY_IMPORT, "--import", "tsx"] };
  throw new Error(`the workbench worker is missing: neither ${js} nor ${compiled} exists (run npm run build)`);
}

export class WorkbenchPool {
  private readonly pool: Piscina;
  constructor(private readonly o: WorkbenchPoolOptions) {
    const w = workerFile();
    // one thread kept alive: with none, a worker stopped for its time budget was not replaced while jobs waited
    // behind it (they waited for the next request to start a thread)
    this.pool = new Piscina({ filename: w.filename, execArgv: w.execArgv, minThreads: 1, maxThreads: o.threads, maxQueue: o.maxQueue, idleTimeout: 30_000 });
  }

  /** A meta-analysis (`decidua meta`); `png` renders that plot; `bundle` adds the reproducible bundle. */
  async run(file: MetaUpload, options: MetaOptions, plot: ForestPlotOptions, png: MetaPlotName | null = null, bundle = false): Promise<WorkbenchOutput> {
    return (await this.job({ file: this.copy(file), options, plot, png, limits: this.limits(), ...(bundle ? { bundle: bundleVersions() } : {}) })) as WorkbenchOutput;
  }

  /** A network meta-analysis (`decidua nma`). */
  async runNma(file: MetaUpload, options: NmaOptions, plot: NmaPlotBody, png: NmaPlotName | null = null, bundle = false): Promise<NmaWorkbenchOutput> {
    return (await this.job({ kind: "nma", file: this.copy(file), options, plot, png, limits: this.limits(), ...(bundle ? { bundle: bundleVersions() } : {}) })) as NmaWorkbenchOutput;
  }

  /** A trial sequential analysis (`decidua tsa`). */
  async runTsa(file: MetaUpload, options: TsaOptions, plot: { title?: string }, png: "tsa" | null = null, bundle = false): Promise<TsaWorkbenchOutput> {
    return (await this.job({ kind: "tsa", file: this.copy(file), options, plot, png, limits: this.limits(), ...(bundle ? { bundle: bundleVersions() } : {}) })) as TsaWorkbenchOutput;
  }

  private limits(): WorkbenchLimits {
    return { maxStudies: this.o.maxStudies, maxPlotStudies: this.o.maxPlotStudies };
  }

  private copy(file: MetaUpload): MetaUpload {
    return { ...file, content: new Uint8Array(file.content) as Buffer };
  }

  private async job(job: WorkbenchJob): Promise<WorkerOutput> {
    if (this.pool.queueSize >= this.o.maxQueue) throw new HttpError(503, "UNAVAILABLE", "the workbench is busy; try again in a moment");
    const ac = new AbortController();
    // the time budget counts from the moment a thread starts the job (the worker says so on `started`), not from
    // the request: a job that waited behind others' long ones still gets its whole budget. Waiting itself is bounded
    // by the budgets of the jobs that can be ahead of it (the queue and the running threads) and a thread's start-up,
    // then answered 503.
    let why: "budget" | "queue" | null = null;
    const { port1, port2 } = new MessageChannel();
    let timer = setTimeout(() => {
      why = "queue";
      ac.abort();
      // 10 s more for a thread to start (a cold worker loads the engine)
    }, this.o.timeBudgetMs * (this.o.maxQueue + this.o.threads + 1) + 10_000);
    port1.once("message", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        why = "budget";
        ac.abort();
      }, this.o.timeBudgetMs);
    });
    let answer: WorkerAnswer;
    try {
      answer = (await this.pool.run({ job, started: port2 } satisfies WorkerTask, { signal: ac.signal, transferList: [port2] as unknown as RunTransferList })) as WorkerAnswer;
    } catch (e) {
      if (ac.signal.aborted && why === "queue") throw new HttpError(503, "UNAVAILABLE", "the workbench is busy; try again in a moment");
      if (ac.signal.aborted) throw new HttpError(422, "TOO_LARGE", `the analysis did not finish within its time budget of ${Math.round(this.o.timeBudgetMs / 1000)} s; use fewer studies`, "file");
      if (e instanceof Error && /queue is at limit/i.test(e.message)) throw new HttpError(503, "UNAVAILABLE", "the workbench is busy; try again in a moment");
      throw e;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
    if (answer.ok) {
      const out = answer.out as WorkerOutput & { bundle?: Uint8Array | null };
      return { ...out, png: out.png === null ? null : Buffer.from(out.png), ...(out.bundle !== undefined ? { bundle: out.bundle === null ? null : Buffer.from(out.bundle) } : {}) } as WorkerOutput;
    }
    if (answer.input !== undefined) throw new InputError(answer.input.reason, answer.input.location);
    if (answer.limit !== undefined) throw new HttpError(answer.limit.status, "TOO_LARGE", answer.limit.message, answer.limit.field);
    throw new Error(answer.message ?? "workbench worker failed");
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
