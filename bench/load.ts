/**
 * Load test of the assessment endpoint (issue #5): the server runs in a child process on loopback with a fresh
 * SQLite database and one seeded patient (profile (a) of source 001); autocannon drives
 * GET /api/patients/:id/assessment with a signed-in session at 50 concurrent connections for a bounded time.
 * Every request also reads the session, the patient and its follow-ups and appends its audit-log entry; like a
 * browser, the client accepts gzip.
 *
 * Two runs: the server as configured by default (assessments memoised per record version, follow-ups and date),
 * then a shorter one with the memo off (every request runs the whole assessment and serialises it).
 * Besides latency and throughput it reports the server's CPU time per request, which does not depend on how
 * busy the rest of the machine is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import type { BenchLog } from "./meta.js";
import type { StandaloneCpu, StandaloneRequest } from "../src/server/standalone.js";
import { ask, startStandaloneServer } from "./standalone-child.js";

export interface LoadBenchOptions {
  /** Seconds of measurement of the main run (default 10, env DECIDUA_LOAD_SECONDS) after `warmupSeconds` (2). */
  durationSeconds?: number;
  warmupSeconds?: number;
  connections?: number;
  /** Seconds of the run without the assessment memo (default 5; 0 skips it). */
  uncachedSeconds?: number;
}

export const LOAD_TARGETS = { p99Ms: 25, requestsPerSecond: 1000 } as const;

export interface LoadRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** Server process CPU time per request (µs). */
  serverCpuMicrosPerRequest: number | null;
  /** Share of one core the server process got during the run. */
  serverCoreShare: number;
  /** The load generator's (this process's) CPU time per request (µs) and share of one core. */
  clientCpuMicrosPerRequest: number | null;
  clientCoreShare: number;
  bytesPerResponse: number;
  loadAverage1m: number;
}

async function measure(assessmentCache: boolean, duration: number, warmup: number, connections: number): Promise<LoadRun> {
  const dir = mkdtempSync(join(os.tmpdir(), "decidua-load-"));
  const request: StandaloneRequest = { db: { engine: "sqlite", file: join(dir, "load.sqlite") }, adminPassword: "load-test-admin-pw", patientFile: "examples/patients/profile-a.json", assessmentCache };
  const { child, ready } = await startStandaloneServer(request).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  try {
    const base = `http://127.0.0.1:${ready.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: request.adminPassword }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const url = `${base}/api/patients/${ready.patientId}/assessment`;
    const probe = await fetch(url, { headers: { cookie } });
    if (probe.status !== 200) throw new Error(`the assessment endpoint answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`);
    // as a browser does: the session cookie, and gzip accepted
    const headers = { cookie, "accept-encoding": "gzip" };
    if (warmup > 0) await autocannon({ url, connections, duration: warmup, headers });
    const cpu = () => ask(child, "cpu", (m) => (typeof m === "object" && m !== null && "cpuMicros" in m ? (m as StandaloneCpu).cpuMicros : undefined));
    const cpu0 = await cpu();
    const client0 = process.cpuUsage();
    const wall0 = performance.now();
    const r = await autocannon({ url, connections, duration, headers });
    const client = process.cpuUsage(client0);
    const cpuUsed = (await cpu()) - cpu0;
    const wallMs = performance.now() - wall0;
    return {
      requestsPerSecond: r.requests.average,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      serverCpuMicrosPerRequest: r.requests.total > 0 ? cpuUsed / r.requests.total : null,
      serverCoreShare: cpuUsed / 1000 / wallMs,
      clientCpuMicrosPerRequest: r.requests.total > 0 ? (client.user + client.system) / r.requests.total : null,
      clientCoreShare: (client.user + client.system) / 1000 / wallMs,
      bytesPerResponse: r.requests.total > 0 ? r.throughput.total / r.requests.total : 0,
      loadAverage1m: os.loadavg()[0] ?? 0,
    };
  } finally {
    child.send("stop");
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill();
        resolve();
      }, 5000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeRun(label: string, r: LoadRun, connections: number, seconds: number): string {
  return (
    `load (${label}): GET /api/patients/:id/assessment, ${connections} connections, ${seconds} s, SQLite: ` +
    `${r.requestsPerSecond.toFixed(0)} req/s, latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms; ${r.requests} requests, ` +
    `non-2xx ${r.non2xx}, errors ${r.errors}; server CPU ${r.serverCpuMicrosPerRequest === null ? "?" : r.serverCpuMicrosPerRequest.toFixed(0)} µs/request ` +
    `(the server got ${(r.serverCoreShare * 100).toFixed(0)}% of one core); load generator ${r.clientCpuMicrosPerRequest === null ? "?" : r.clientCpuMicrosPerRequest.toFixed(0)} µs/request ` +
    `(${(r.clientCoreShare * 100).toFixed(0)}% of one core); ${(r.bytesPerResponse / 1024).toFixed(1)} KiB per answer; load average ${r.loadAverage1m.toFixed(1)} on ${os.cpus().length} cores`
  );
}

export function meetsTargets(r: LoadRun): boolean {
  return r.non2xx === 0 && r.errors === 0 && r.p99Ms < LOAD_TARGETS.p99Ms && r.requestsPerSecond >= LOAD_TARGETS.requestsPerSecond;
}

export async function runLoadBench(o: BenchLog, opts: LoadBenchOptions = {}): Promise<Record<string, number | string | null>> {
  const duration = opts.durationSeconds ?? Number(process.env.DECIDUA_LOAD_SECONDS ?? 10);
  const warmup = opts.warmupSeconds ?? 2;
  const connections = opts.connections ?? 50;
  const uncachedSeconds = opts.uncachedSeconds ?? 5;
  const main = await measure(true, duration, warmup, connections);
  o.log(describeRun("default server", main, connections, duration));
  o.log(`load: targets p99 < ${LOAD_TARGETS.p99Ms} ms and >= ${LOAD_TARGETS.requestsPerSecond} assessments/s: ${meetsTargets(main) ? "met" : "NOT met"}`);
  const out: Record<string, number | string | null> = {
    load_endpoint: "GET /api/patients/:id/assessment",
    load_connections: connections,
    load_duration_s: duration,
    load_requests_per_s: Math.round(main.requestsPerSecond),
    load_latency_p50_ms: main.p50Ms,
    load_latency_p99_ms: main.p99Ms,
    load_latency_max_ms: main.maxMs,
    load_requests_total: main.requests,
    load_non2xx: main.non2xx,
    load_errors: main.errors,
    load_server_cpu_us_per_request: main.serverCpuMicrosPerRequest === null ? null : Math.round(main.serverCpuMicrosPerRequest),
    load_server_core_share: Math.round(main.serverCoreShare * 100) / 100,
    load_client_cpu_us_per_request: main.clientCpuMicrosPerRequest === null ? null : Math.round(main.clientCpuMicrosPerRequest),
    load_client_core_share: Math.round(main.clientCoreShare * 100) / 100,
    load_bytes_per_answer: Math.round(main.bytesPerResponse),
    load_machine_loadavg_1m: Math.round(main.loadAverage1m * 10) / 10,
    load_targets_met: meetsTargets(main) ? "yes" : "no",
  };
  if (uncachedSeconds > 0) {
    const raw = await measure(false, uncachedSeconds, 1, connections);
    o.log(describeRun("assessment memo off", raw, connections, uncachedSeconds));
    out.load_uncached_requests_per_s = Math.round(raw.requestsPerSecond);
    out.load_uncached_latency_p50_ms = raw.p50Ms;
    out.load_uncached_latency_p99_ms = raw.p99Ms;
    out.load_uncached_server_cpu_us_per_request = raw.serverCpuMicrosPerRequest === null ? null : Math.round(raw.serverCpuMicrosPerRequest);
  }
  return out;
}
