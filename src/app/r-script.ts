/**
 * The equivalent R script of a workbench analysis (for the reproducible bundle): metafor's escalc + rma / rma.mh /
 * rma.peto for a pairwise meta-analysis, and metafor's rma.mv with netmeta's contrast-based model for a network.
 * The script reads the bundle's data.csv, runs the analysis with the same settings Decidua resolved (measure, method,
 * model, tau² estimator, test, level, moderators, extra analyses), prints the fits and writes results-R.json with
 * the pooled numbers, so the two can be compared. A trial sequential analysis uses rpact for the boundaries and
 * metafor for the z-curve. Pure: text out.
 */
import type { NmaOptions, NmaResult } from "../stats/nma/index.js";
import type { TsaOptions, TsaResult } from "../stats/tsa/index.js";
import type { MetaOptions, MetaResult } from "../stats/types.js";

/** An R string literal. */
export function rString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** An R name for a column (backquoted when it is not syntactic). */
function rName(s: string): string {
  return /^[A-Za-z.][A-Za-z0-9._]*$/.test(s) ? s : `\`${s.replace(/`/g, "")}\``;
}

const ESCALC_ARGS: Record<"binary" | "continuous", string> = {
  binary: "ai = events_t, n1i = total_t, ci = events_c, n2i = total_c",
  continuous: "m1i = mean_t, sd1i = sd_t, n1i = total_t, m2i = mean_c, sd2i = sd_c, n2i = total_c",
};

const JSON_HELPERS = `num <- function(x) if (is.null(x) || length(x) == 0) NA else as.numeric(x)[1]`;

/**
 * R code for a pairwise meta-analysis. `kind` is the data shape of data.csv (binary counts, continuous means, or
 * generic yi/vi); the settings come from the result (what Decidua resolved) and the options (extra analyses).
 */
export function metaRScript(r: MetaResult, options: MetaOptions, kind: "binary" | "continuous" | "generic", versions: { decidua: string }): string {
  const L: string[] = [];
  const level = r.level;
  const measure = r.measure === "GEN" ? "GEN" : r.measure;
  L.push(`# The same analysis in R, written by Decidua ${versions.decidua} (the workbench's reproducible bundle).`);
  L.push(`# Settings Decidua used: measure ${r.measure}, method ${r.method}, ${r.model} effect${r.model === "random" ? `s, tau^2 ${r.tau2_method ?? "-"}` : ""}, test ${r.test}, level ${level}%${r.preset !== null ? `, preset ${r.preset}` : ""}.`);
  L.push(`# Options as given: ${JSON.stringify(options)}`);
  L.push(`# Run from the bundle's folder:  Rscript analysis.R   (needs metafor and jsonlite)`);
  L.push("suppressPackageStartupMessages({ library(metafor); library(jsonlite) })");
  L.push(JSON_HELPERS);
  L.push(`dat <- read.csv("data.csv", check.names = FALSE, stringsAsFactors = FALSE)`);
  const lvl = `level = ${level}`;
  if (r.preset === "revman5" || r.preset === "revman-web") {
    L.push(`# Preset ${r.preset}: RevMan's conventions (e.g. 0.5 added to every cell of a study with a zero cell, RevMan's SMD`);
    L.push("# approximation) are applied by Decidua; metafor's defaults below may differ slightly where RevMan and metafor differ.");
  }
  if (kind === "generic") {
    L.push("es <- escalc(measure = \"GEN\", yi = yi, vi = vi, data = dat)");
  } else {
    L.push(`es <- escalc(measure = ${rString(measure)}, ${ESCALC_ARGS[kind]}, data = dat)`);
    if (measure === "SMD" && (options.smdCorrection === "approx" || r.preset !== null)) L.push("# Decidua used RevMan's approximate small-sample correction of Hedges' g; escalc uses the exact one.");
  }
  const mods = r.meta_regression?.moderators ?? [];
  const modsArg = mods.length > 0 ? `, mods = ~ ${mods.map((m) => (m.kind === "categorical" ? `factor(${rName(m.name)})` : rName(m.name))).join(" + ")}` : "";
  if (r.method === "MH" && kind === "binary" && mods.length === 0) {
    if (r.model === "fixed") {
      L.push(`res <- rma.mh(${ESCALC_ARGS.binary}, data = dat, measure = ${rString(measure)}, ${lvl})`);
    } else {
      L.push("# Mantel-Haenszel with random effects (RevMan): DerSimonian-Laird tau^2 and inverse-variance weights.");
      L.push(`res <- rma(yi, vi, data = es, method = "DL", test = ${rString(r.test)}, ${lvl})`);
    }
  } else if (r.method === "PETO" && kind === "binary" && mods.length === 0) {
    if (r.model === "fixed") L.push(`res <- rma.peto(${ESCALC_ARGS.binary}, data = dat, ${lvl})`);
    else {
      L.push("# Peto with random effects: inverse-variance random effects on the Peto log odds ratios.");
      L.push(`es <- escalc(measure = "PETO", ${ESCALC_ARGS.binary}, data = dat)`);
      L.push(`res <- rma(yi, vi, data = es, method = ${rString(r.tau2_method ?? "DL")}, test = ${rString(r.test)}, ${lvl})`);
    }
  } else {
    const method = r.model === "fixed" ? "EE" : (r.tau2_method ?? "REML");
    L.push(`res <- rma(yi, vi, data = es${modsArg}, method = ${rString(method)}, test = ${rString(r.test)}, ${lvl})`);
    if (options.permutations !== undefined && mods.length > 0) L.push(`print(permutest(res, iter = ${options.permutations}))`);
  }
  const fit = "res";
  L.push(`print(${fit})`);
  if (r.measure === "OR" || r.measure === "RR") L.push(`print(predict(${fit}, transf = exp))`);
  if (options.leaveOneOut === true) L.push(`print(leave1out(${fit}))`);
  if (options.cumulative === true) L.push(`print(cumul(${fit}${r.studies.some((x) => x.year !== undefined) ? ", order = dat$year" : ""}))`);
  if (options.bias === true) {
    L.push(`print(regtest(${fit}))`);
    L.push(`print(ranktest(${fit}))`);
    L.push(`print(trimfill(${fit}))`);
  }
  if (options.influence === true) L.push(`print(influence(${fit}))`);
  if (options.failSafe === true) L.push("print(fsn(yi, vi, data = es))");
  if (options.profileCi === true) L.push(`print(confint(${fit}, type = "PL"))`);
  L.push("out <- list(");
  L.push(`  estimate = num(${fit}$beta), se = num(${fit}$se), ci_lb = num(${fit}$ci.lb), ci_ub = num(${fit}$ci.ub),`);
  L.push(`  pval = num(${fit}$pval), tau2 = num(${fit}$tau2), QE = num(${fit}$QE), I2 = num(${fit}$I2), k = num(${fit}$k)`);
  L.push(")");
  L.push('writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), "results-R.json")');
  return `${L.join("\n")}\n`;
}

/**
 * R code for a network meta-analysis as netmeta's contrast-based model, fitted with metafor's rma.mv: contrasts of
 * every arm relative to the study's first arm with covariance from the shared arm (0.5 added to every arm of a
 * study with a zero cell), one tau² with correlation 1/2 between a study's contrasts.
 */
export function nmaRScript(r: NmaResult, options: NmaOptions, layout: "binary" | "continuous" | "contrast", versions: { decidua: string }): string {
  const L: string[] = [];
  L.push(`# The same network meta-analysis in R, written by Decidua ${versions.decidua} (the workbench's reproducible bundle).`);
  L.push(`# Settings Decidua used: measure ${r.measure}, reference ${r.reference}, ${r.model} effect${r.model === "random" ? `s, tau^2 ${r.tau2_method ?? "-"}` : ""}, level ${r.level}%.`);
  L.push(`# Options as given: ${JSON.stringify(options)}`);
  L.push("# Run from the bundle's folder:  Rscript analysis.R   (needs metafor and jsonlite)");
  L.push("suppressPackageStartupMessages({ library(metafor); library(jsonlite) })");
  L.push(JSON_HELPERS);
  L.push('d <- read.csv("data.csv", check.names = FALSE, stringsAsFactors = FALSE)');
  L.push(`measure <- ${rString(r.measure)}; reference <- ${rString(r.reference)}; level <- ${r.level}`);
  if (layout === "contrast") {
    L.push(String.raw`studies <- lapply(unique(d$study), function(s) {
  a <- d[d$study == s, ]; arms <- character(0)
  for (i in seq_len(nrow(a))) { if (!(a$treatment2[i] %in% arms)) arms <- c(arms, a$treatment2[i]); if (!(a$treatment1[i] %in% arms)) arms <- c(arms, a$treatment1[i]) }
  eff <- function(t, u) { i <- which(a$treatment1 == t & a$treatment2 == u); if (length(i) == 1) return(c(a$yi[i], a$sei[i]^2)); i <- which(a$treatment1 == u & a$treatment2 == t); c(-a$yi[i], a$sei[i]^2) }
  q <- length(arms) - 1; y <- numeric(q); V <- matrix(0, q, q)
  for (i in 1:q) { e <- eff(arms[i + 1], arms[1]); y[i] <- e[1]; V[i, i] <- e[2] }
  if (q > 1) for (i in 1:(q - 1)) for (j in (i + 1):q) V[i, j] <- V[j, i] <- (V[i, i] + V[j, j] - eff(arms[i + 1], arms[j + 1])[2]) / 2
  list(study = s, arms = arms, y = y, V = V)
})`);
  } else {
    L.push(String.raw`arm_effect <- function(a) {
  if (measure == "OR") list(y = log(a$events / (a$total - a$events)), v = 1 / a$events + 1 / (a$total - a$events))
  else if (measure == "RR") list(y = log(a$events / a$total), v = 1 / a$events - 1 / a$total)
  else if (measure == "RD") { p <- a$events / a$total; list(y = p, v = p * (1 - p) / a$total) }
  else list(y = a$mean, v = a$sd^2 / a$total)
}
studies <- list()
for (s in unique(d$study)) {
  a <- d[d$study == s, ]
  if (!is.null(a$events)) {
    if (measure %in% c("OR", "RR") && (all(a$events == 0) || all(a$events == a$total))) next
    if (any(a$events == 0 | a$events == a$total)) { a$events <- a$events + 0.5; a$total <- a$total + 1 }
  }
  q <- nrow(a) - 1
  if (measure == "SMD") {
    smd <- function(i, j) escalc("SMD", m1i = a$mean[i], sd1i = a$sd[i], n1i = a$total[i], m2i = a$mean[j], sd2i = a$sd[j], n2i = a$total[j])
    y <- numeric(q); V <- matrix(0, q, q)
    for (i in 1:q) { e <- smd(i + 1, 1); y[i] <- e$yi; V[i, i] <- e$vi }
    if (q > 1) for (i in 1:(q - 1)) for (j in (i + 1):q) V[i, j] <- V[j, i] <- (V[i, i] + V[j, j] - smd(i + 1, j + 1)$vi) / 2
  } else {
    e <- arm_effect(a); y <- e$y[-1] - e$y[1]; V <- matrix(e$v[1], q, q) + diag(e$v[-1], q)
  }
  studies[[length(studies) + 1]] <- list(study = s, arms = as.character(a$treatment), y = y, V = V)
}`);
  }
  L.push(String.raw`trts <- unique(unlist(lapply(studies, function(s) s$arms))); trts <- c(reference, setdiff(trts, reference)); n <- length(trts)
rows <- do.call(rbind, lapply(studies, function(s) data.frame(study = s$study, trt = s$arms[-1], base = s$arms[1], yi = s$y, stringsAsFactors = FALSE)))
X <- matrix(0, nrow(rows), n - 1, dimnames = list(NULL, make.names(trts[-1])))
for (i in seq_len(nrow(rows))) { it <- match(rows$trt[i], trts); ib <- match(rows$base[i], trts); if (it > 1) X[i, it - 1] <- 1; if (ib > 1) X[i, ib - 1] <- -1 }
V <- bldiag(lapply(studies, function(s) s$V))
dat <- data.frame(rows, X, check.names = FALSE); dat$contr <- factor(dat$trt)
f <- as.formula(paste("~ 0 +", paste(colnames(X), collapse = " + ")))
fe <- rma.mv(yi, V, mods = f, data = dat, method = "FE", level = level)`);
  if (r.model === "fixed") {
    L.push("fit <- fe");
  } else if (r.tau2_method === "DL") {
    L.push(String.raw`# netmeta's generalised DerSimonian-Laird tau^2 (nma.ruecker), then rma.mv with tau^2 fixed at it
Sig <- bldiag(lapply(studies, function(s) { q <- length(s$y); m <- matrix(0.5, q, q); diag(m) <- 1; m }))
W <- solve(V); C <- solve(t(X) %*% W %*% X)
tau2_dl <- max(0, (fe$QE - (nrow(X) - ncol(X))) / (sum(diag(W %*% Sig)) - sum(diag(C %*% t(X) %*% W %*% Sig %*% W %*% X))))
fit <- rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, tau2 = tau2_dl, level = level)`);
  } else {
    L.push("fit <- rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, method = \"REML\", level = level)");
  }
  L.push("print(fit)");
  L.push(String.raw`out <- list(reference = reference,
  estimates = lapply(seq_len(n - 1), function(i) list(treatment = trts[i + 1], estimate = as.numeric(coef(fit)[i]), se = fit$se[i], ci_lb = fit$ci.lb[i], ci_ub = fit$ci.ub[i])),
  tau2 = if (is.null(fit$tau2)) 0 else num(fit$tau2), Q = num(fe$QE), Q_df = num(fe$k - fe$p))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), "results-R.json")`);
  return `${L.join("\n")}\n`;
}

/**
 * R code for a trial sequential analysis: the required information size by the TSA manual's formula, the diversity
 * D² from metafor's DerSimonian-Laird and fixed-effect fits, the cumulative z-curve in the file's order (rma, "DL"
 * or "EE", escalc's defaults: 0.5 added to zero cells, double-zero studies dropped for RR/OR), and rpact's
 * Lan-DeMets O'Brien-Fleming boundaries (getDesignGroupSequential, typeOfDesign "asOF", two-sided) at the looks
 * before the RIS with the final analysis at fraction 1, with non-binding beta-spending futility boundaries ("bsOF").
 */
export function tsaRScript(r: TsaResult, options: TsaOptions, versions: { decidua: string }): string {
  const L: string[] = [];
  L.push(`# The same trial sequential analysis in R, written by Decidua ${versions.decidua} (the workbench's reproducible bundle).`);
  L.push(`# Settings Decidua used: measure ${r.measure}, ${r.model === "random" ? "random effects (DerSimonian-Laird)" : "fixed effect"}, alpha ${r.alpha}, power ${r.power}, control risk ${r.control_risk}, RRR ${r.rrr}, diversity ${r.diversity_source === "auto" ? "auto" : r.diversity}.`);
  L.push(`# Options as given: ${JSON.stringify(options)}`);
  L.push("# Run from the bundle's folder:  Rscript analysis.R   (needs metafor, rpact and jsonlite)");
  L.push("suppressPackageStartupMessages({ library(metafor); library(rpact); library(jsonlite) })");
  L.push("fin <- function(x) if (is.na(x)) NA else if (is.finite(x)) x else if (x > 0) \"Inf\" else \"-Inf\"");
  L.push('d <- read.csv("data.csv", check.names = FALSE, stringsAsFactors = FALSE)');
  L.push(`measure <- ${rString(r.measure)}; model <- ${rString(r.model === "random" ? "DL" : "EE")}; alpha <- ${r.alpha}; power <- ${r.power}`);
  L.push(`pc <- ${r.control_risk}; rrr <- ${r.rrr}; diversity <- ${r.diversity_source === "auto" ? "\"auto\"" : r.diversity}`);
  L.push(String.raw`es <- escalc(measure = measure, ai = events_t, n1i = total_t, ci = events_c, n2i = total_c, data = d, drop00 = measure != "RD")
keep <- which(!is.na(es$yi))
# required information size (TSA manual; Wetterslev 2008): two equal arms, two-sided alpha
pe <- pc * (1 - rrr); p <- (pc + pe) / 2
ris <- 4 * (qnorm(1 - alpha / 2) + qnorm(power))^2 * p * (1 - p) / (pc - pe)^2
fr <- rma(yi, vi, data = es[keep, ], method = "DL"); ff <- rma(yi, vi, data = es[keep, ], method = "EE")
D2 <- if (!identical(diversity, "auto")) diversity else if (model == "EE") 0 else (fr$se^2 - ff$se^2) / fr$se^2
ris_adj <- ris / (1 - D2)
# the cumulative z-curve, one look per study added
fits <- lapply(seq_along(keep), function(j) rma(yi, vi, data = es[keep[1:j], ], method = model))
n <- cumsum(d$total_t[keep] + d$total_c[keep]); fraction <- n / ris_adj
# boundaries at the looks before the RIS; the first look at or past it is the final analysis (fraction 1)
before <- sum(fraction < 1); t <- c(fraction[fraction < 1], 1)
if (length(t) > 20) stop("rpact designs have at most 20 looks; this z-curve has ", length(t) - 1, " before the RIS")
design <- getDesignGroupSequential(typeOfDesign = "asOF", informationRates = t, sided = 2, alpha = alpha)
print(design)
cv <- design$criticalValues
boundary <- c(cv[seq_len(before)], rep(cv[length(t)], length(keep) - before))
# a check of rpact's numbers: the Armitage-McPherson-Rowe recursion with Simpson's rule on a fine grid (h <= 0.004
# on the z scale, |z| <= 12); rpact's 91-point rule is coarse when looks are close together
simpson <- function(a, b, h) {
  n <- max(2, 2 * ceiling((b - a) / h / 2)); x <- seq(a, b, length.out = n + 1)
  w <- rep(c(2, 4), length.out = n + 1); w[1] <- 1; w[n + 1] <- 1
  list(x = x, w = w * (b - a) / n / 3)
}
amr_boundaries <- function(t, alpha) {
  K <- length(t); crit <- numeric(K); spent <- 4 * pnorm(qnorm(1 - alpha / 4) / sqrt(t), lower.tail = FALSE); spent[t >= 1] <- alpha
  inc <- diff(c(0, spent)); g <- NULL
  for (k in seq_len(K)) {
    if (inc[k] <= 0) crit[k] <- Inf
    else if (k == 1) crit[k] <- qnorm(inc[k] / 2, lower.tail = FALSE)
    else {
      r <- sqrt(t[k - 1] / t[k]); s <- sqrt(1 - r^2)
      exitp <- function(c) sum(g$gw * (pnorm((c - r * g$x) / s, lower.tail = FALSE) + pnorm((-c - r * g$x) / s)))
      crit[k] <- uniroot(function(c) log(max(exitp(c), 1e-320)) - log(inc[k]), c(0.5, 30), tol = 1e-13)$root
    }
    if (k < K) {
      h <- min(0.004, sqrt((t[k + 1] - t[k]) / t[k]) / 25)
      cc <- min(crit[k], 12); q <- simpson(-cc, cc, h)
      f <- if (k == 1) dnorm(q$x) else {
        r <- sqrt(t[k - 1] / t[k]); s <- sqrt(1 - r^2)
        as.vector(outer(q$x, g$x, function(z, u) dnorm((z - r * u) / s) / s) %*% g$gw)
      }
      g <- list(x = q$x, gw = q$w * f)
    }
  }
  crit
}
ck <- amr_boundaries(t, alpha)
boundary_check <- c(ck[seq_len(before)], rep(ck[length(t)], length(keep) - before))
# non-binding beta-spending futility boundaries (rpact calls its two-sided beta spending experimental; it is slow)
futility <- rep(NA, length(keep))
if (length(t) > 1) {
  fd <- tryCatch(suppressWarnings(getDesignGroupSequential(typeOfDesign = "asOF", informationRates = t, sided = 2, alpha = alpha,
    beta = 1 - power, typeBetaSpending = "bsOF", bindingFutility = FALSE)), error = function(e) NULL)
  if (!is.null(fd)) futility[seq_len(before)] <- fd$futilityBounds[seq_len(before)]
}
# the TSA-adjusted CI at the last look: estimate +- boundary x SE (the fine-grid boundary; rpact's beside it)
last <- fits[[length(fits)]]; b <- boundary_check[length(boundary_check)]
out <- list(ris = ris, diversity = D2, ris_adjusted = ris_adj, accrued = n[length(n)], I2 = fr$I2,
  looks = lapply(seq_along(keep), function(j) list(study = d$study[keep[j]], n = n[j], fraction = fraction[j],
    estimate = as.numeric(fits[[j]]$beta), se = fits[[j]]$se, z = fits[[j]]$zval, tau2 = fits[[j]]$tau2,
    boundary = fin(boundary[j]), boundary_check = fin(boundary_check[j]), futility = fin(futility[j]))),
  adjusted_ci = list(estimate = as.numeric(last$beta), se = last$se, critical = fin(b), critical_rpact = fin(boundary[length(boundary)]),
    ci_lb = fin(as.numeric(last$beta) - b * last$se), ci_ub = fin(as.numeric(last$beta) + b * last$se)),
  naive_ci = list(ci_lb = as.numeric(last$beta) - qnorm(1 - alpha / 2) * last$se, ci_ub = as.numeric(last$beta) + qnorm(1 - alpha / 2) * last$se))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), "results-R.json")`);
  return `${L.join("\n")}\n`;
}
