/**
 * Load test of the assessment endpoint (issue #5): the server runs in a child process on loopback with a fresh
 * SQLite database and one seeded patient; autocannon drives GET /api/patients/:id/assessment with a signed-in
 * session at 50 concurrent connections for a bounded time. Every request also writes its audit-log entry.
 */
import { fork } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import autocannon from "autocannon";
import type { BenchLog } from "./meta.js";
import type { StandaloneCpu, StandaloneReady, StandaloneRequest } from "../src/server/standalone.js";

export interface LoadBenchOptions {
  /** Seconds of measurement (default 10) after `warmupSeconds` (default 2). */
  durationSeconds?: number;
  warmupSeconds?: number;
  connections?: number;
  /** Path after /api/patients/:id (default "/assessment"). */
  endpoint?: string;
}

const TARGET_P99_MS = 25;
const TARGET_RPS = 1000;

export async function runLoadBench(o: BenchLog, opts: LoadBenchOptions = {}): Promise<Record<string, number | string | null>> {
  const duration = opts.durationSeconds ?? Number(process.env.DECIDUA_LOAD_SECONDS ?? 10);
  const warmup = opts.warmupSeconds ?? 2;
  const connections = opts.connections ?? 50;
  const endpoint = opts.endpoint ?? "/assessment";
  const dir = mkdtempSync(join(tmpdir(), "decidua-load-"));
  // dist/bench/load.js -> dist/src/server/standalone.js; under tsx the .ts source
  let serverModule = fileURLToPath(new URL("../src/server/standalone.js", import.meta.url));
  if (!existsSync(serverModule)) serverModule = serverModule.replace(/\.js$/, ".ts");
  const child = fork(serverModule, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: process.execArgv });
  try {
    const request: StandaloneRequest = { db: { engine: "sqlite", file: join(dir, "load.sqlite") }, adminPassword: "load-test-admin-pw", patientFile: "examples/patients/profile-a.json" };
    const ready = await new Promise<StandaloneReady>((resolve, reject) => {
      child.once("message", (m) => resolve(m as StandaloneReady));
      child.once("exit", (code) => reject(new Error(`server process exited (${code})`)));
      child.send(request);
    });
    const base = `http://127.0.0.1:${ready.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: request.adminPassword }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const url = `${base}/api/patients/${ready.patientId}${endpoint}`;
    const probe = await fetch(url, { headers: { cookie } });
    if (probe.status !== 200) {
      o.log(`load: ${endpoint} answered ${probe.status} (${(await probe.text()).slice(0, 200)}); not measured`);
      return { load_endpoint: endpoint, load_status: `not measured: HTTP ${probe.status}` };
    }
    if (warmup > 0) await autocannon({ url, connections, duration: warmup, headers: { cookie } });
    const serverCpu = () =>
      new Promise<number>((resolve) => {
        const on = (m: unknown) => {
          if (typeof m === "object" && m !== null && "cpuMicros" in m) {
            child.off("message", on);
            resolve((m as StandaloneCpu).cpuMicros);
          }
        };
        child.on("message", on);
        child.send("cpu");
      });
    const cpu0 = await serverCpu();
    const wall0 = performance.now();
    const r = await autocannon({ url, connections, duration, headers: { cookie } });
    const cpuPerRequest = (await serverCpu()) - cpu0;
    const wallMs = performance.now() - wall0;
    const serverCpuShare = cpuPerRequest / 1000 / wallMs;
    const cpuMicrosPerRequest = r.requests.total > 0 ? cpuPerRequest / r.requests.total : null;
    const load = os.loadavg()[0] ?? 0;
    const rps = r.requests.average;
    const ok = r.non2xx === 0 && r.errors === 0 && r.timeouts === 0;
    const meets = ok && r.latency.p99 < TARGET_P99_MS && rps >= TARGET_RPS;
    o.log(
      `load: GET /api/patients/:id${endpoint}, ${connections} connections, ${duration} s (after ${warmup} s warm-up), SQLite: ` +
        `${rps.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
        `${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}; server CPU ${cpuMicrosPerRequest === null ? "?" : cpuMicrosPerRequest.toFixed(0)} µs/request, ` +
        `server process used ${(serverCpuShare * 100).toFixed(0)}% of one core; machine load average ${load.toFixed(1)} on ${os.cpus().length} cores; targets p99 < ${TARGET_P99_MS} ms and >= ${TARGET_RPS} req/s: ${meets ? "met" : "NOT met"}`,
    );
    return {
      load_endpoint: `GET /api/patients/:id${endpoint}`,
      load_connections: connections,
      load_duration_s: duration,
      load_requests_per_s: Math.round(rps),
      load_latency_p50_ms: r.latency.p50,
      load_latency_p99_ms: r.latency.p99,
      load_latency_max_ms: r.latency.max,
      load_requests_total: r.requests.total,
      load_non2xx: r.non2xx,
      load_errors: r.errors,
      load_server_cpu_us_per_request: cpuMicrosPerRequest === null ? null : Math.round(cpuMicrosPerRequest),
      load_server_core_share: Math.round(serverCpuShare * 100) / 100,
      load_machine_loadavg_1m: Math.round(load * 10) / 10,
      load_targets_met: meets ? "yes" : "no",
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
