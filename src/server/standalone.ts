/**
 * A Decidua server in its own process, driven over IPC (used by the load benchmark so that the load generator
 * and the server do not share an event loop). Fork this module, send a StandaloneRequest, receive a
 * StandaloneReady message; send "stop" to close.
 */
import type { AddressInfo } from "node:net";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { buildServer } from "./app.js";
import { DbConfigSchema } from "../store/index.js";
import { packageRoot } from "../shared/package-root.js";

export const StandaloneRequestSchema = z.object({
  db: DbConfigSchema,
  adminPassword: z.string().min(10),
  /** Example record file (relative to the package) for the patient to create; a minimal record when absent. */
  patientFile: z.string().optional(),
  /** Memoise assessments (the server default); false measures the full computation per request. */
  assessmentCache: z.boolean().default(true),
});
export type StandaloneRequest = z.input<typeof StandaloneRequestSchema>;
export interface StandaloneReady {
  port: number;
  patientId: string;
}
export interface StandaloneCpu {
  cpuMicros: number;
}

async function start(req: StandaloneRequest): Promise<void> {
  const app = await buildServer({ db: req.db, adminPassword: req.adminPassword, seed: true, logger: false, assessmentCache: req.assessmentCache });
  const path = req.patientFile ? join(packageRoot(), req.patientFile) : null;
  const record = path !== null && existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as unknown) : { losses: [] };
  const p = await app.store.createPatient({ displayName: "Load Test", dateOfBirth: "1988-01-01", record }, { username: "bench", route: "bench" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const ready: StandaloneReady = { port: (app.server.address() as AddressInfo).port, patientId: p.id };
  process.send?.(ready);
  process.on("message", (m: unknown) => {
    if (m === "stop") void app.close().then(() => process.exit(0));
    // CPU time used by this process so far (µs), so a benchmark can compute CPU per request
    if (m === "cpu") {
      const u = process.cpuUsage();
      process.send?.({ cpuMicros: u.user + u.system });
    }
    // resident memory now and the peak so far (bytes): the protection benchmark's login flood
    if (m === "mem") process.send?.({ rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  });
}

if (process.send !== undefined) {
  process.once("message", (m: unknown) => {
    void start(StandaloneRequestSchema.parse(m)).catch((e: unknown) => {
      process.stderr.write(`standalone server failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
  });
}
