# Random-data reference values for the meta-analysis engine, computed with R metafor.
#
#   Rscript scripts/metafor-random-fixtures.R       (from the repository root; writes fixtures/metafor-random/*.json)
#
# The curated fixtures (scripts/metafor-fixtures.R) follow published datasets; these follow no one: data sets drawn
# at random (seeded) with the shapes that break estimators -- k = 2, tau2 = 0 on the boundary, variances a hundred
# times apart, single- and double-zero 2x2 tables, all-zero arms -- fitted with metafor's defaults.
# Needs R >= 4 with metafor (3.8.1 was used) and jsonlite. CI never runs this; test/stats/fixtures/metafor-random.test.ts
# compares the engine against the committed JSON to 6 significant digits (the Q-profile tau2 limits to uniroot's
# tolerance).
#
# generic.json: { id, yi[], vi[], method, test, expected: { tau2, beta, se, ci_lb, ci_ub, zval, pval, QE, I2, H2,
#                 pi_lb, pi_ub, tau2_lb?, tau2_ub? } }      rma(yi, vi, method, test) and confint()
# binary.json:  { id, ai[], n1[], ci[], n2[], measure, fit, expected: { beta, se, ci_lb, ci_ub, pval, QE, QE_df, tau2? } }
#               fit: "EE", "DL", "REML" (rma on escalc's defaults: 0.5 added to zero cells; double-zero tables
#               left out for OR and RR, as Decidua, kept for RD), "MH" (rma.mh defaults), "PETO" (rma.peto)
# continuous.json: { id, m1[], sd1[], n1[], m2[], sd2[], n2[], sg[] (subgroups A, B), measure (MD, SMD), method (EE,
#                 REML, DL), yi[], vi[] (escalc), beta, se, ci_lb, ci_ub, tau2, QE, pl_lb?, pl_ub? (confint type "PL",
#                 REML, k >= 3), sub? { beta[], se[], tau2[], Qb, Qbp } (each subgroup with its own tau2; the test for
#                 subgroup differences as the fixed-effect Q of the subgroup estimates) }
# methods.json: { id, yi[], vi[], x[] (numeric moderator), g[] (three levels), method (REML, DL), test, mr?, bias?, inf?,
#                 loo?, fsn? }: rma(mods = ~ x + g) (b, se, pval, CI, QM, QE, tau2, R2, I2, H2); with test z also
#                 regtest(model = "lm"), ranktest, trimfill, influence, leave1out and (REML) fsn. A leave1out row
#                 metafor could not fit is null throughout (the engine must give null there too).

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})
out_dir <- file.path("fixtures", "metafor-random")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
na <- function(x) if (is.null(x) || length(x) != 1 || !is.finite(x)) NA else as.numeric(x)

set.seed(20261201)
generic <- list()
for (d in 1:60) {
  k <- sample(2:15, 1)
  tau <- sample(c(0, 0.05, 0.3, 1), 1)
  vi <- runif(k, 0.005, 0.5)^sample(c(1, 2), 1)
  yi <- rnorm(k, 0.2, sqrt(vi + tau^2))
  for (m in c("DL", "REML", "ML", "PM", "HE", "HS", "HSk", "SJ", "EB")) for (test in c("z", "knha")) {
    fit <- tryCatch(suppressWarnings(rma(yi, vi, method = m, test = test)), error = function(e) NULL)
    if (is.null(fit)) next
    pr <- predict(fit)
    ci <- tryCatch(suppressWarnings(confint(fit)$random), error = function(e) NULL)
    generic[[length(generic) + 1]] <- list(id = sprintf("g%02d-%s-%s", d, m, test), yi = I(yi), vi = I(vi), method = m, test = test,
      expected = list(tau2 = na(fit$tau2), beta = na(fit$beta), se = na(fit$se), ci_lb = na(fit$ci.lb), ci_ub = na(fit$ci.ub),
        zval = na(fit$zval), pval = na(fit$pval), QE = na(fit$QE), I2 = na(fit$I2), H2 = na(fit$H2), pi_lb = na(pr$pi.lb), pi_ub = na(pr$pi.ub),
        tau2_lb = if (is.null(ci)) NA else na(ci[1, 2]), tau2_ub = if (is.null(ci)) NA else na(ci[1, 3])))
  }
}

set.seed(7)
binary <- list()
for (d in 1:80) {
  k <- sample(1:12, 1)
  n1 <- sample(5:200, k, TRUE); n2 <- sample(5:200, k, TRUE)
  p <- runif(1, 0.001, 0.4)
  ai <- rbinom(k, n1, p * exp(rnorm(1, 0, 0.3))); ci <- rbinom(k, n2, p)
  for (measure in c("OR", "RR", "RD")) {
    dz <- (ai == 0 & ci == 0) | (ai == n1 & ci == n2)
    keep <- if (measure == "RD") rep(TRUE, k) else !dz
    add <- function(fit, how) {
      if (is.null(fit) || !is.finite(fit$beta)) return()
      binary[[length(binary) + 1]] <<- list(id = sprintf("b%02d-%s-%s", d, measure, how), ai = I(ai), n1 = I(n1), ci = I(ci), n2 = I(n2),
        measure = measure, fit = how, expected = list(beta = na(fit$beta), se = na(fit$se), ci_lb = na(fit$ci.lb), ci_ub = na(fit$ci.ub),
          pval = na(fit$pval), QE = na(fit$QE), QE_df = if (is.null(fit$k.yi)) fit$k - 1 else fit$k.yi - 1, tau2 = if (is.null(fit$tau2)) NA else na(fit$tau2)))
    }
    tb <- data.frame(ai = ai, n1 = n1, ci = ci, n2 = n2)[keep, , drop = FALSE]
    fitted <- function(method) tryCatch(suppressWarnings(rma(measure = measure, ai = ai, n1i = n1, ci = ci, n2i = n2, data = tb, method = method)), error = function(e) NULL)
    if (nrow(tb) >= 1) add(fitted("EE"), "EE")
    if (nrow(tb) >= 2) { add(fitted("DL"), "DL"); add(fitted("REML"), "REML") }
    add(tryCatch(suppressWarnings(rma.mh(measure = measure, ai = ai, n1i = n1, ci = ci, n2i = n2)), error = function(e) NULL), "MH")
    if (measure == "OR") add(tryCatch(suppressWarnings(rma.peto(ai = ai, n1i = n1, ci = ci, n2i = n2)), error = function(e) NULL), "PETO")
  }
}
set.seed(99)
methods <- list()
for (d in 1:80) {
  k <- sample(4:25, 1)
  tau <- sample(c(0, 0.1, 0.4), 1)
  vi <- runif(k, 0.01, 0.3)
  x <- round(rnorm(k, 10, 3), 1)
  g <- sample(c("a","b","c"), k, TRUE); if (length(unique(g)) < 3) g[1:3] <- c("a","b","c")
  yi <- rnorm(k, 0.1 + 0.05 * (x - 10) + ifelse(g == "b", 0.2, 0), sqrt(vi + tau^2))
  for (m in c("REML", "DL")) for (test in c("z", "knha")) {
    f0 <- tryCatch(rma(yi, vi, method = m, test = test), error = function(e) NULL)
    if (is.null(f0)) next
    case <- list(id = sprintf("m%02d-%s-%s", d, m, test), yi = I(yi), vi = I(vi), x = I(x), g = I(g), method = m, test = test)
    mr <- tryCatch(rma(yi, vi, mods = ~ x + g, method = m, test = test), error = function(e) NULL)
    if (!is.null(mr)) case$mr <- list(b = I(as.numeric(mr$beta)), se = I(mr$se), pval = I(mr$pval), ci_lb = I(mr$ci.lb), ci_ub = I(mr$ci.ub),
      QM = na(mr$QM), QMp = na(mr$QMp), QE = na(mr$QE), QEp = na(mr$QEp), tau2 = na(mr$tau2), R2 = na(mr$R2), I2 = na(mr$I2), H2 = na(mr$H2))
    if (test == "z") {
      rt <- regtest(f0, model = "lm"); rk <- suppressWarnings(ranktest(f0)); tf <- trimfill(f0)
      case$bias <- list(egger_t = na(rt$zval), egger_p = na(rt$pval), egger_df = na(rt$dfs), limit = na(rt$est), limit_lb = na(rt$ci.lb), limit_ub = na(rt$ci.ub),
        begg_tau = na(rk$tau), begg_p = na(rk$pval), k0 = tf$k0, side = tf$side, tf_beta = na(tf$beta), tf_se = na(tf$se), tf_tau2 = na(tf$tau2), tf_lb = na(tf$ci.lb), tf_ub = na(tf$ci.ub))
      inf <- influence(f0)
      case$inf <- list(rstudent = I(inf$inf$rstudent), dffits = I(inf$inf$dffits), cook_d = I(inf$inf$cook.d), cov_r = I(inf$inf$cov.r),
        tau2_del = I(inf$inf$tau2.del), QE_del = I(inf$inf$QE.del), hat = I(inf$inf$hat), weight = I(inf$inf$weight), dfbetas = I(inf$dfbs$intrcpt), inf = I(inf$is.infl))
      l1 <- leave1out(f0)
      case$loo <- list(estimate = I(l1$estimate), se = I(l1$se), tau2 = I(l1$tau2), I2 = I(l1$I2), Q = I(l1$Q))
      if (m == "REML") {
        r <- fsn(yi, vi, type = "Rosenthal"); o <- fsn(yi, vi, type = "Orwin"); b <- fsn(yi, vi, type = "Rosenberg")
        case$fsn <- list(rosenthal = na(r$fsnum), rosenthal_p = na(r$pval), orwin = na(o$fsnum), rosenberg = na(b$fsnum), rosenberg_p = na(b$pval))
      }
    }
    methods[[length(methods) + 1]] <- case
  }
}
set.seed(5)
continuous <- list()
for (d in 1:60) {
  k <- sample(2:14, 1)
  n1 <- sample(4:80, k, TRUE); n2 <- sample(4:80, k, TRUE)
  sd1 <- round(runif(k, 0.5, 3), 2); sd2 <- round(sd1 * runif(k, 0.7, 1.4), 2)
  m1 <- round(rnorm(k, 10.3, 1), 2); m2 <- round(rnorm(k, 10, 1), 2)
  sg <- sample(c("A","B"), k, TRUE); if (k >= 4) sg[1:2] <- c("A","B")
  for (measure in c("MD","SMD")) for (m in c("EE","REML","DL")) {
    es <- escalc(measure, m1i=m1, sd1i=sd1, n1i=n1, m2i=m2, sd2i=sd2, n2i=n2)
    f <- tryCatch(rma(yi, vi, data=es, method=m), error=function(e) NULL); if (is.null(f)) next
    case <- list(id=sprintf("c%02d-%s-%s", d, measure, m), m1=I(m1), sd1=I(sd1), n1=I(n1), m2=I(m2), sd2=I(sd2), n2=I(n2), sg=I(sg), measure=measure, method=m,
      yi=I(as.numeric(es$yi)), vi=I(as.numeric(es$vi)), beta=na(f$beta), se=na(f$se), ci_lb=na(f$ci.lb), ci_ub=na(f$ci.ub), tau2=na(f$tau2), QE=na(f$QE))
    if (m == "REML" && k >= 3) { pl <- tryCatch(confint(f, type="PL")$random, error=function(e) NULL); if (!is.null(pl)) { case$pl_lb <- na(pl[1,2]); case$pl_ub <- na(pl[1,3]) } }
    if (k >= 4 && m != "EE") {
      sub <- lapply(c("A","B"), function(g) tryCatch(rma(yi, vi, data=es, subset=sg==g, method=m), error=function(e) NULL))
      if (!any(sapply(sub, is.null))) {
        b <- sapply(sub, function(s) as.numeric(s$beta)); v <- sapply(sub, function(s) s$se^2)
        fe <- rma(b, v, method="EE")
        case$sub <- list(beta=I(b), se=I(sqrt(v)), tau2=I(sapply(sub, function(s) s$tau2)), Qb=na(fe$QE), Qbp=na(fe$QEp))
      }
    }
    continuous[[length(continuous)+1]] <- case
  }
}
write_json(continuous, file.path(out_dir, "continuous.json"), digits = NA, auto_unbox = TRUE, na = "null")
write_json(methods, file.path(out_dir, "methods.json"), digits = NA, auto_unbox = TRUE, na = "null")
write_json(generic, file.path(out_dir, "generic.json"), digits = NA, auto_unbox = TRUE, na = "null")
write_json(binary, file.path(out_dir, "binary.json"), digits = NA, auto_unbox = TRUE, na = "null")
cat(length(generic), "generic,", length(binary), "binary,", length(continuous), "continuous and", length(methods), "methods cases\n")
