/**
 * Network meta-analysis speed: one network of 10 treatments and 50 studies (40 two-arm, 10 three-arm; binary arms,
 * fixed seed), the complete `decidua nma --json` result (preparation with escalc, fixed and REML fits, generalised
 * DL, Q decomposition by design, node-splitting, P-scores, league table), timed over 200 runs after 50 untimed
 * warm-up runs: CPU time per analysis (process.cpuUsage, robust on a shared machine) and the median and 95th
 * percentile of the wall-clock time (target: < 10 ms).
 * If Rscript is on the PATH, the same network is fitted by metafor's rma.mv (REML, the model of docs/nma.md) in the
 * same run, timed inside R over 5 fits, and its tau² and estimates are compared with the engine's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { networkMetaAnalysis, prepareNetwork, type NmaStudyInput } from "../src/stats/nma/index.js";
import { mulberry32 } from "../src/stats/core/random.js";
import { machineLine } from "./meta.js";

export const NMA_BENCH_SEED = 20_261_201;


/** 10 treatments (T1 = placebo-like reference), 50 studies; every study includes T1 or a neighbour so the network is connected. */
export function generateNetwork(seed = NMA_BENCH_SEED, treatments = 10, studies = 50): NmaStudyInput[] {
  const u = mulberry32(seed);
  const names = Array.from({ length: treatments }, (_, i) => `T${i + 1}`);
  const effect = names.map((_, i) => (i === 0 ? 0 : -0.1 * i + 0.2 * (u() - 0.5)));
  const out: NmaStudyInput[] = [];
  for (let s = 0; s < studies; s++) {
    const arms = s < 10 ? 3 : 2;
    const chosen = new Set<number>([s < treatments - 1 ? s + 1 : Math.floor(u() * treatments)]);
    chosen.add(u() < 0.5 ? 0 : Math.floor(u() * treatments));
    while (chosen.size < arms) chosen.add(Math.floor(u() * treatments));
    const base = Math.log(0.3 / 0.7) + 0.4 * (u() - 0.5);
    out.push({
      study: `S${s + 1}`,
      kind: "arms",
      arms: [...chosen].map((t) => {
        const total = 40 + Math.floor(u() * 200);
        const p = 1 / (1 + Math.exp(-(base + (effect[t] as number) + (t === 0 ? 0 : 0.8 * (u() - 0.5)))));
        const events = Math.min(total, Math.max(0, Math.round(total * p + Math.sqrt(total * p * (1 - p)) * (u() - 0.5) * 2)));
        return { kind: "binary" as const, treatment: names[t] as string, events, total };
      }),
    });
  }
  return out;
}

const R_SCRIPT = `
suppressPackageStartupMessages(library(metafor))
a <- commandArgs(TRUE); d <- read.csv(a[1], stringsAsFactors = FALSE)
trts <- c("T1", setdiff(unique(d$treatment), "T1")); p <- length(trts) - 1
rows <- list(); Vs <- list()
for (s in unique(d$study)) {
  x <- d[d$study == s, ]
  if (any(x$events == 0 | x$events == x$total)) { x$events <- x$events + 0.5; x$total <- x$total + 1 }
  l <- log(x$events / (x$total - x$events)); v <- 1 / x$events + 1 / (x$total - x$events); q <- nrow(x) - 1
  rows[[s]] <- data.frame(study = s, trt = x$treatment[-1], base = x$treatment[1], yi = l[-1] - l[1])
  Vs[[s]] <- matrix(v[1], q, q) + diag(v[-1], q)
}
dat <- do.call(rbind, rows); V <- bldiag(Vs)
X <- matrix(0, nrow(dat), p)
for (r in seq_len(nrow(dat))) { it <- match(dat$trt[r], trts); ib <- match(dat$base[r], trts); if (it > 1) X[r, it - 1] <- 1; if (ib > 1) X[r, ib - 1] <- -1 }
dat$contr <- factor(dat$trt)
t0 <- proc.time()
for (i in 1:5) fit <- rma.mv(dat$yi, V, mods = X, intercept = FALSE, random = ~ contr | study, data = dat, rho = 0.5, method = "REML")
el <- proc.time() - t0
writeLines(c(sprintf("%.6f", (el[["user.self"]] + el[["sys.self"]]) / 5), sprintf("%.17g", fit$tau2), sprintf("%.17g", as.vector(coef(fit)))), a[2])
`;

export async function runNmaBench(o: { log: (s: string) => void }): Promise<Record<string, number | string | null>> {
  const input = generateNetwork();
  const run = () => networkMetaAnalysis(prepareNetwork(input, "OR"), { reference: "T1", model: "random", tau2: "REML" });
  let result = run();
  for (let i = 0; i < 50; i++) result = run();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    result = run();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 200;
  times.sort((a, b) => a - b);
  const median = times[100] as number;
  const p95 = times[190] as number;
  o.log("");
  o.log("Network meta-analysis (10 treatments, 50 studies incl. 10 three-arm; full result, REML)");
  o.log(`  ${machineLine()}`);
  o.log(`  ${cpuMs.toFixed(3)} ms of CPU per analysis (mean of 200); wall clock median ${median.toFixed(3)} ms, 95th percentile ${p95.toFixed(3)} ms (target < 10 ms)`);
  const out: Record<string, number | string | null> = { nma_cpu_ms: cpuMs, nma_median_ms: median, nma_p95_ms: p95, nma_tau2: result.heterogeneity.tau2 };
  if (process.env.DECIDUA_BENCH_NO_R === "1") return out;
  const probe = spawnSync("Rscript", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    out.nma_metafor = "Rscript not found";
    return out;
  }
  const dir = mkdtempSync(join(tmpdir(), "decidua-nma-bench-"));
  try {
    const csv = ["study,treatment,events,total", ...input.flatMap((s) => (s.kind === "arms" ? s.arms.map((a) => `${s.study},${a.treatment},${a.kind === "binary" ? a.events : 0},${a.total}`) : []))].join("\n");
    writeFileSync(join(dir, "net.csv"), `${csv}\n`);
    writeFileSync(join(dir, "nma.R"), R_SCRIPT);
    const res = spawnSync("Rscript", [join(dir, "nma.R"), join(dir, "net.csv"), join(dir, "out.txt")], { encoding: "utf8", timeout: 120_000 });
    if (res.status !== 0) {
      out.nma_metafor = `Rscript failed: ${res.stderr.slice(0, 300)}`;
      return out;
    }
    const [sec, tau2, ...beta] = readFileSync(join(dir, "out.txt"), "utf8").trim().split("\n").map(Number);
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-8);
    const maxBeta = Math.max(...result.estimates.map((e, i) => rel(e.estimate, beta[i] as number)));
    out.nma_metafor_ms = (sec as number) * 1000;
    out.nma_metafor_rel_diff_tau2 = rel(result.heterogeneity.tau2, tau2 as number);
    out.nma_metafor_rel_diff_estimates = maxBeta;
    o.log(`  metafor rma.mv (REML fit only, CPU): ${((sec as number) * 1000).toFixed(1)} ms per fit; relative difference tau² ${out.nma_metafor_rel_diff_tau2.toExponential(1)}, estimates ${maxBeta.toExponential(1)} (metafor's nlminb stops near, not at, the optimum)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
