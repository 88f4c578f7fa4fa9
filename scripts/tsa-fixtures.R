# Reference values for Decidua's trial sequential analysis (decidua tsa), computed with R.
#
#   Rscript scripts/tsa-fixtures.R          (from the repository root; writes fixtures/tsa/*.json)
#
# Needs rpact (3.3.4 was used), metafor, metadat and jsonlite. CI never runs this: the JSON is committed and
# test/stats/tsa/*.test.ts compares the engine against it.
#
# boundaries.json  Lan-DeMets O'Brien-Fleming alpha-spending boundaries (two-sided) at given information
#                  fractions: rpact getDesignGroupSequential(typeOfDesign = "asOF", sided = 2, alpha, informationRates).
# futility.json    the same with beta-spending futility boundaries: typeBetaSpending = "bsOF",
#                  bindingFutility = FALSE (the TSA program's futility boundaries are non-binding), beta.
#                  rpact calls its two-sided beta spending experimental; it is slow, so the designs are small.
# zcurve.json      cumulative meta-analyses in file order (metafor rma, method "DL" and "EE") for binary datasets of
#                  metadat, with escalc's defaults (0.5 added to zero cells, double-zero studies dropped for OR/RR),
#                  the diversity D^2 = (V_random - V_fixed) / V_random of the full DL fit, and the required
#                  information size computed independently from the TSA manual's formula
#                  RIS = 4 (z_{1-alpha/2} + z_{1-beta})^2 P (1 - P) / (Pc - Pe)^2, P = (Pc + Pe) / 2, Pe = Pc (1 - RRR).
suppressPackageStartupMessages({
  library(rpact)
  library(metafor)
  library(metadat)
  library(jsonlite)
})
# Sections to run (default all): Rscript scripts/tsa-fixtures.R boundaries zcurve futility independent
args <- commandArgs(trailingOnly = TRUE)
only <- if (length(args) > 0) args else c("boundaries", "zcurve", "futility", "independent")
out_dir <- file.path("fixtures", "tsa")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
num <- function(x) ifelse(is.finite(x), x, ifelse(is.na(x), NA, ifelse(x > 0, "Inf", "-Inf")))
write <- function(x, name) writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE), file.path(out_dir, name))

alpha_sets <- list(
  list(id = "equal5", alpha = 0.05, t = c(0.2, 0.4, 0.6, 0.8, 1)),
  list(id = "unequal5", alpha = 0.05, t = c(0.1, 0.25, 0.5, 0.8, 1)),
  list(id = "unequal6", alpha = 0.05, t = c(0.12, 0.3, 0.33, 0.71, 0.9, 1)),
  list(id = "two", alpha = 0.05, t = c(0.5, 1)),
  list(id = "late", alpha = 0.05, t = c(0.64, 0.93, 1)),
  list(id = "alpha01", alpha = 0.01, t = c(0.25, 0.5, 0.75, 1)),
  list(id = "alpha10", alpha = 0.1, t = c(0.15, 0.35, 0.6, 0.62, 1)),
  list(id = "many20", alpha = 0.05, t = c(seq(0.1, 0.95, length.out = 19), 1)),
  list(id = "many20uneven", alpha = 0.05, t = c(0.11, 0.14, 0.2, 0.21, 0.26, 0.33, 0.35, 0.41, 0.47, 0.5, 0.52, 0.58, 0.66, 0.7, 0.77, 0.8, 0.86, 0.91, 0.97, 1)),
  list(id = "many12tight", alpha = 0.05, t = c(0.3, 0.31, 0.32, 0.34, 0.36, 0.4, 0.45, 0.5, 0.6, 0.75, 0.99, 1))
)
if ("boundaries" %in% only) {
boundaries <- lapply(alpha_sets, function(s) {
  d <- getDesignGroupSequential(typeOfDesign = "asOF", informationRates = s$t, sided = 2, alpha = s$alpha)
  list(id = s$id, alpha = s$alpha, informationRates = s$t, criticalValues = num(d$criticalValues),
       alphaSpent = d$alphaSpent)
})
write(list(rpact = as.character(packageVersion("rpact")), cases = boundaries), "boundaries.json")
cat("boundaries done\n")
}

# metafor: cumulative z-curve and diversity
if ("zcurve" %in% only) {
datasets <- list(
  list(id = "egger2001", d = with(dat.egger2001, data.frame(study = study, ai = ai, n1i = n1i, ci = ci, n2i = n2i))),
  list(id = "bcg", d = with(dat.bcg, data.frame(study = paste(author, year), ai = tpos, n1i = tpos + tneg, ci = cpos, n2i = cpos + cneg))),
  list(id = "nielweise2007", d = with(dat.nielweise2007, data.frame(study = paste(author, year), ai = ai, n1i = n1i, ci = ci, n2i = n2i)))
)
zcases <- list()
for (ds in datasets) for (measure in c("RR", "OR", "RD")) {
  d <- ds$d
  es <- escalc(measure = measure, ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d, drop00 = measure != "RD")
  keep <- !is.na(es$yi)
  looks <- list()
  for (model in c("DL", "EE")) {
    z <- c(); est <- c(); se <- c(); tau2 <- c(); nn <- c(); st <- c()
    for (i in which(keep)) {
      idx <- which(keep)[which(keep) <= i]
      f <- rma(yi, vi, data = es[idx, ], method = model)
      z <- c(z, f$zval); est <- c(est, as.numeric(f$b)); se <- c(se, f$se); tau2 <- c(tau2, f$tau2)
      nn <- c(nn, sum(d$n1i[idx] + d$n2i[idx])); st <- c(st, d$study[i])
    }
    looks[[model]] <- list(study = st, n = nn, z = z, estimate = est, se = se, tau2 = tau2)
  }
  fr <- rma(yi, vi, data = es[keep, ], method = "DL")
  ff <- rma(yi, vi, data = es[keep, ], method = "EE")
  D2 <- (fr$se^2 - ff$se^2) / fr$se^2
  zcases[[length(zcases) + 1]] <- list(id = paste(ds$id, measure, sep = "-"), dataset = ds$id, measure = measure,
    rows = d, random = looks$DL, fixed = looks$EE, diversity = D2, I2 = fr$I2)
}
ris_cases <- list()
for (pc in c(0.1, 0.25, 0.3, 0.5)) for (rrr in c(0.1, 0.2, 0.35)) for (ab in list(c(0.05, 0.8), c(0.05, 0.9), c(0.01, 0.9))) {
  pe <- pc * (1 - rrr); p <- (pc + pe) / 2
  ris <- 4 * (qnorm(1 - ab[1] / 2) + qnorm(ab[2]))^2 * p * (1 - p) / (pc - pe)^2
  ris_cases[[length(ris_cases) + 1]] <- list(controlRisk = pc, rrr = rrr, alpha = ab[1], power = ab[2], ris = ris)
}
write(list(metafor = as.character(packageVersion("metafor")), cases = zcases, ris = ris_cases), "zcurve.json")
cat("zcurve done\n")
}

if ("futility" %in% only) {
futility_sets <- list(
  list(id = "f4", alpha = 0.05, beta = 0.2, t = c(0.2, 0.5, 0.8, 1)),
  list(id = "f3", alpha = 0.05, beta = 0.1, t = c(0.3, 0.6, 1)),
  list(id = "f5uneven", alpha = 0.05, beta = 0.2, t = c(0.25, 0.45, 0.5, 0.75, 1)),
  list(id = "f4late", alpha = 0.05, beta = 0.2, t = c(0.4, 0.55, 0.9, 1))
)
fut <- lapply(futility_sets, function(s) {
  d <- suppressWarnings(getDesignGroupSequential(typeOfDesign = "asOF", informationRates = s$t, sided = 2, alpha = s$alpha,
    beta = s$beta, typeBetaSpending = "bsOF", bindingFutility = FALSE))
  ch <- getDesignCharacteristics(d)
  list(id = s$id, alpha = s$alpha, beta = s$beta, informationRates = s$t, criticalValues = num(d$criticalValues),
       futilityBounds = d$futilityBounds, betaSpent = d$betaSpent, shift = ch$shift)
})
write(list(rpact = as.character(packageVersion("rpact")), cases = fut), "futility.json")
cat("futility done\n")
}

# An independent computation of the same alpha-spending boundaries, to tell the engine's and rpact's numerical
# error apart: the Armitage-McPherson-Rowe recursion on the z scale with composite Simpson's rule on a fine
# equispaced grid (h <= 0.004 on the z scale, at least 25 points per SD of the increment kernel), truncated at
# |z| <= 9, each boundary found by uniroot (tol 1e-13) so that the exit probability equals the alpha spent.
if ("independent" %in% only) {
simpson <- function(a, b, h) {
  n <- max(2, 2 * ceiling((b - a) / h / 2)); x <- seq(a, b, length.out = n + 1)
  w <- rep(c(2, 4), length.out = n + 1); w[1] <- 1; w[n + 1] <- 1
  list(x = x, w = w * (b - a) / n / 3)
}
amr_boundaries <- function(t, alpha) {
  K <- length(t); crit <- numeric(K); spent <- 4 * pnorm(qnorm(1 - alpha / 4) / sqrt(t), lower.tail = FALSE); spent[t >= 1] <- alpha
  inc <- diff(c(0, spent))
  crit[1] <- qnorm(inc[1] / 2, lower.tail = FALSE)
  g <- NULL
  for (k in seq_len(K)) {
    if (k > 1) {
      r <- sqrt(t[k - 1] / t[k]); s <- sqrt(1 - r^2)   # Z_k = r Z_{k-1} + s e
      exitp <- function(c) sum(g$gw * (pnorm((c - r * g$x) / s, lower.tail = FALSE) + pnorm((-c - r * g$x) / s)))
      crit[k] <- uniroot(function(c) log(exitp(c)) - log(inc[k]), c(0.5, 12), tol = 1e-13)$root
    }
    if (k < K) {
      kern <- sqrt(1 - t[k] / t[k + 1]) / sqrt(t[k] / t[k + 1])   # SD of Z_k given Z_{k+1} direction scale
      h <- min(0.004, sqrt((t[k + 1] - t[k]) / t[k]) / 25)
      cc <- min(crit[k], 9); q <- simpson(-cc, cc, h)
      if (k == 1) f <- dnorm(q$x) else {
        r <- sqrt(t[k - 1] / t[k]); s <- sqrt(1 - r^2)
        f <- as.vector(outer(q$x, g$x, function(z, u) dnorm((z - r * u) / s) / s) %*% g$gw)
      }
      g <- list(x = q$x, gw = q$w * f)
    }
  }
  crit
}
indep <- lapply(alpha_sets, function(s) list(id = s$id, alpha = s$alpha, informationRates = s$t, criticalValues = amr_boundaries(s$t, s$alpha)))
write(list(method = "AMR recursion, Simpson, h <= 0.004 on z, base R", cases = indep), "boundaries-independent.json")
cat("independent done\n")
}
