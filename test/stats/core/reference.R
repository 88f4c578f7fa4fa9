# Reference values for test/stats/core/*.test.ts, computed with R metafor 3.8.1.
#   Rscript test/stats/core/reference.R   (from the repository root; writes test/stats/core/reference.json)
# Small hand-picked cases for the lower-level functions (effectSizes, rmaUni, rmaMH, rmaPeto, bias tests,
# meta-regression). The whole-analysis fixture suite lives in fixtures/metafor/ (scripts/metafor-fixtures.R).
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
out <- list()
v <- function(x) unname(as.numeric(x))

# --- effect sizes -------------------------------------------------------------------------------------------
bin <- data.frame(ai = c(12, 0, 0, 5, 10), n1 = c(50, 40, 30, 25, 10), ci = c(20, 3, 0, 0, 10), n2 = c(52, 38, 31, 27, 12))
for (m in c("OR", "RR", "RD")) {
  es <- escalc(m, ai = ai, n1i = n1, ci = ci, n2i = n2, data = bin, drop00 = m != "RD")
  out[[paste0("escalc_", m)]] <- list(yi = v(es$yi), vi = v(es$vi))
}
pe <- escalc("PETO", ai = ai, n1i = n1, ci = ci, n2i = n2, data = bin, add = 0, to = "none", drop00 = TRUE)
out$escalc_PETO <- list(yi = v(pe$yi), vi = v(pe$vi))
out$bin <- as.list(bin)
con <- data.frame(m1 = c(10.2, 8.1, 12), sd1 = c(2.1, 3.3, 4), n1 = c(15, 40, 8), m2 = c(9.0, 8.9, 9.5), sd2 = c(2.5, 3.0, 3.1), n2 = c(14, 42, 9))
out$con <- as.list(con)
md <- escalc("MD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = con)
smd <- escalc("SMD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = con)
out$escalc_MD <- list(yi = v(md$yi), vi = v(md$vi))
out$escalc_SMD <- list(yi = v(smd$yi), vi = v(smd$vi))
# RevMan 5 approximation (Deeks & Higgins): g = d (1 - 3/(4N - 9)), var = N/(n1 n2) + g^2/(2 (N - 3.94))
N <- con$n1 + con$n2
sp <- sqrt(((con$n1 - 1) * con$sd1^2 + (con$n2 - 1) * con$sd2^2) / (N - 2))
g <- (con$m1 - con$m2) / sp * (1 - 3 / (4 * N - 9))
out$escalc_SMD_approx <- list(yi = g, vi = N / (con$n1 * con$n2) + g^2 / (2 * (N - 3.94)))

# --- rma.uni ------------------------------------------------------------------------------------------------
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
out$bcg <- list(yi = v(bcg$yi), vi = v(bcg$vi), year = dat.bcg$year)
fits <- list()
for (m in c("FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB")) for (tt in c("z", "knha")) {
  r <- suppressWarnings(rma(yi, vi, data = bcg, method = m, test = tt))
  p <- predict(r)
  f <- list(method = m, test = tt, beta = v(r$beta), se = v(r$se), zval = v(r$zval), pval = v(r$pval), ci_lb = v(r$ci.lb), ci_ub = v(r$ci.ub),
            pi_lb = if (m == "FE") v(p$ci.lb) else v(p$pi.lb), pi_ub = if (m == "FE") v(p$ci.ub) else v(p$pi.ub), tau2 = v(r$tau2), QE = v(r$QE), QEp = v(r$QEp), I2 = v(r$I2), H2 = v(r$H2))
  if (m != "FE") {
    f$se_tau2 <- v(r$se.tau2)
    ci <- confint(r)
    f$tau2_ci <- v(ci$random[1, 2:3]); f$I2_ci <- v(ci$random[3, 2:3]); f$H2_ci <- v(ci$random[4, 2:3])
  }
  fits[[length(fits) + 1]] <- f
}
out$bcg_fits <- fits
# homogeneous data: tau2 truncated at 0 (SJ is positive by construction)
hom <- data.frame(yi = c(0.10, 0.12, 0.08, 0.11, 0.09), vi = c(0.04, 0.05, 0.03, 0.06, 0.02))
out$hom <- as.list(hom)
out$hom_tau2 <- sapply(c("DL", "HE", "SJ", "PM", "ML", "REML", "EB"), function(m) v(rma(yi, vi, data = hom, method = m)$tau2), simplify = FALSE)
out$hom_tau2_ci <- v(confint(rma(yi, vi, data = hom))$random[1, 2:3])

# --- Mantel-Haenszel and Peto -------------------------------------------------------------------------------
mhd <- data.frame(ai = c(12, 0, 5, 10, 3), n1 = c(50, 40, 25, 10, 30), ci = c(20, 3, 0, 10, 6), n2 = c(52, 38, 27, 12, 29))
out$mhd <- as.list(mhd)
for (m in c("OR", "RR", "RD")) {
  r <- rma.mh(measure = m, ai = ai, n1i = n1, ci = ci, n2i = n2, data = mhd)
  out[[paste0("mh_", m)]] <- list(beta = v(r$beta), se = v(r$se), pval = v(r$pval), ci_lb = v(r$ci.lb), ci_ub = v(r$ci.ub), QE = v(r$QE), QEp = v(r$QEp), I2 = v(r$I2), H2 = v(r$H2))
}
r <- rma.peto(ai = ai, n1i = n1, ci = ci, n2i = n2, data = mhd)
out$peto <- list(beta = v(r$beta), se = v(r$se), pval = v(r$pval), QE = v(r$QE), I2 = v(r$I2))
# RevMan 5: 0.5 added to zero-cell studies inside MH
r <- rma.mh(measure = "OR", ai = ai, n1i = n1, ci = ci, n2i = n2, data = mhd, add = c(1/2, 1/2), to = c("only0", "only0"))
out$mh_OR_add <- list(beta = v(r$beta), se = v(r$se), QE = v(r$QE))

# --- sensitivity and bias -----------------------------------------------------------------------------------
r <- rma(yi, vi, data = bcg)
l1 <- leave1out(r)
out$loo <- list(estimate = v(l1$estimate), se = v(l1$se), tau2 = v(l1$tau2), I2 = v(l1$I2), QE = v(l1$Q))
cu <- cumul(r, order = dat.bcg$year)
out$cumul <- list(estimate = v(cu$estimate), se = v(cu$se), tau2 = v(cu$tau2), I2 = v(cu$I2))
rt <- regtest(r, model = "lm")
out$egger <- list(t = v(rt$zval), df = v(rt$dfs), pval = v(rt$pval), est = v(rt$est), ci_lb = v(rt$ci.lb), ci_ub = v(rt$ci.ub))
rk <- ranktest(r)
out$begg <- list(tau = v(rk$tau), pval = v(rk$pval))
# ties in vi -> normal approximation with tie correction
tie <- data.frame(yi = c(0.1, 0.5, -0.2, 0.3, 0.9, 0.05, 0.4), vi = c(0.1, 0.1, 0.2, 0.05, 0.3, 0.2, 0.15))
out$tie <- as.list(tie)
rk <- suppressWarnings(ranktest(tie$yi, tie$vi))
out$begg_ties <- list(tau = v(rk$tau), pval = v(rk$pval))
# trim-and-fill with studies filled (dat.hackshaw1998), for several estimators
hk <- dat.hackshaw1998
out$hack <- list(yi = v(hk$yi), vi = v(hk$vi))
tfs <- list()
for (m in c("FE", "DL", "REML")) {
  tf <- trimfill(rma(yi, vi, data = hk, method = m))
  tfs[[m]] <- list(k0 = tf$k0, side = tf$side, beta = v(tf$beta), se = v(tf$se), tau2 = v(tf$tau2), ci_lb = v(tf$ci.lb), filled_yi = v(tf$yi[tf$fill]))
}
out$trimfill <- tfs
# right-side filling: mirror the data
tf <- trimfill(rma(-yi, vi, data = hk, method = "REML"))
out$trimfill_right <- list(k0 = tf$k0, side = tf$side, beta = v(tf$beta), se = v(tf$se))

# --- meta-regression tau2 (p = 2), as used by trimfill to pick the side --------------------------------------
x <- sqrt(bcg$vi)
out$metareg <- sapply(c("DL", "HE", "SJ", "PM", "ML", "REML", "EB"), function(m) {
  r <- rma(yi, vi, mods = x, data = bcg, method = m)
  list(tau2 = v(r$tau2), slope = v(r$beta[2]))
}, simplify = FALSE)

# --- back-calculation from a reported CI --------------------------------------------------------------------
out$backcalc <- list(or = 2.298, lb = 1.099, ub = 4.805, yi = log(2.298), sei = (log(4.805) - log(1.099)) / (2 * qnorm(0.975)))

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), "test/stats/core/reference.json")
