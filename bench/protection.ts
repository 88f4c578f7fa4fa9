/**
 * Protection benchmark (issue 10), short: the server in a child process (fresh SQLite, default scrypt cost).
 * 1. `/api/health` latency (p50/p99/max over sequential requests) alone, then while heavy workbench requests
 *    (1000-study analyses and 300-study forest plots) run back to back in the worker pool.
 * 2. A sign-in flood: 200 concurrent sign-ins of unknown users; the server's peak resident memory, the answers
 *    by status, and how long a real administrator's sign-in takes in the middle of it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import type { BenchLog } from "./meta.js";
import type { StandaloneRequest } from "../src/server/standalone.js";
import { ask, startStandaloneServer } from "./standalone-child.js";

export const PROTECTION_TARGETS = { healthP99Ms: 50 } as const;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

function studies(k: number): string {
  const rows = ["study,events_t,total_t,events_c,total_c"];
  for (let i = 0; i < k; i++) rows.push(`S${i},${5 + (i % 7)},${45 + (i % 11)},${8 + (i % 5)},${45 + (i % 13)}`);
  return Buffer.from(rows.join("\n")).toString("base64");
}

async function healthLatencies(base: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(`${base}/api/health`);
    await r.arrayBuffer();
    out.push(performance.now() - t);
  }
  return out;
}

export async function runProtectionBench(opts: BenchLog & { healthRequests?: number }): Promise<Record<string, unknown>> {
  const { log } = opts;
  const n = opts.healthRequests ?? 300;
  const dir = mkdtempSync(join(os.tmpdir(), "decidua-protect-"));
  const request: StandaloneRequest = { db: { engine: "sqlite", file: join(dir, "bench.sqlite") }, adminPassword: "bench-admin-password-1" };
  const { child, ready } = await startStandaloneServer(request).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  try {
    const base = `http://127.0.0.1:${ready.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: request.adminPassword }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const headers = { cookie, "x-csrf-token": csrf, "content-type": "application/json" };

    await healthLatencies(base, 30);
    const idle = await healthLatencies(base, n);

    let heavyDone = 0;
    let heavyStatuses: number[] = [];
    let stop = false;
    const heavy = (async () => {
      const analysis = JSON.stringify({ file: { name: "k1000.csv", contentBase64: studies(1000) }, options: { measure: "OR" } });
      const plot = JSON.stringify({ file: { name: "k300.csv", contentBase64: studies(300) }, options: { measure: "OR" } });
      while (!stop) {
        const r = await fetch(`${base}/api/meta${heavyDone % 2 === 0 ? "" : "/forest.png"}`, { method: "POST", headers, body: heavyDone % 2 === 0 ? analysis : plot });
        await r.arrayBuffer();
        heavyStatuses.push(r.status);
        heavyDone++;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const busy = await healthLatencies(base, n);
    stop = true;
    await heavy;
    const health = {
      idle: { p50Ms: round(pct(idle, 50)), p99Ms: round(pct(idle, 99)), maxMs: round(Math.max(...idle)) },
      underHeavyRequests: { p50Ms: round(pct(busy, 50)), p99Ms: round(pct(busy, 99)), maxMs: round(Math.max(...busy)), heavyRequests: heavyDone, heavyStatuses: [...new Set(heavyStatuses)] },
      targetP99Ms: PROTECTION_TARGETS.healthP99Ms,
    };
    log(`health idle p50 ${health.idle.p50Ms} ms, p99 ${health.idle.p99Ms} ms; under ${heavyDone} heavy workbench requests p50 ${health.underHeavyRequests.p50Ms} ms, p99 ${health.underHeavyRequests.p99Ms} ms, max ${health.underHeavyRequests.maxMs} ms (target p99 < ${PROTECTION_TARGETS.healthP99Ms} ms)`);

    const mem = () => ask(child, "mem", (m) => (typeof m === "object" && m !== null && "rssBytes" in m ? (m as { rssBytes: number; maxRssBytes: number }) : undefined));
    const before = await mem();
    const statuses = new Map<number, number>();
    const flood = Array.from({ length: 200 }, async (_x, i) => {
      const r = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `nobody${i}`, password: "not-a-password-1" }) });
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    });
    await new Promise((r) => setTimeout(r, 20));
    const t = performance.now();
    // the real user signs in from another address (127.0.0.2): the flood's address is rate-limited, hers is not
    const real = await new Promise<{ status: number }>((resolve, reject) => {
      const body = JSON.stringify({ username: "admin", password: request.adminPassword });
      const rq = http.request({ host: "127.0.0.1", port: ready.port, path: "/api/auth/login", method: "POST", localAddress: "127.0.0.2", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      });
      rq.on("error", reject);
      rq.end(body);
    });
    const realMs = performance.now() - t;
    await Promise.all(flood);
    const after = await mem();
    const floodReport = {
      concurrentUnknownSignIns: 200,
      statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      realSignInStatus: real.status,
      realSignInMs: Math.round(realMs),
      rssBeforeMiB: Math.round(before.rssBytes / 2 ** 20),
      peakRssMiB: Math.round(after.maxRssBytes / 2 ** 20),
    };
    log(`login flood: 200 concurrent unknown-user sign-ins -> ${JSON.stringify(floodReport.statuses)}; a real sign-in meanwhile: ${real.status} in ${floodReport.realSignInMs} ms; server RSS ${floodReport.rssBeforeMiB} MiB before, peak ${floodReport.peakRssMiB} MiB`);
    child.send("stop");
    return { protection: { health, loginFlood: floodReport, method: "sequential /api/health from the bench process against a server child process (SQLite, default scrypt N=2^17); heavy load: 1000-study analyses and 300-study forest PNGs back to back" } };
  } finally {
    if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
