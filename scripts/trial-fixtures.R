# Reference values for the trial module (src/trials, src/stats/trial/regression.ts, src/stats/core/noncentral-t.ts).
# Run from the repository root:  Rscript scripts/trial-fixtures.R
# Writes fixtures/trials/{sample-size,noncentral-t,primary,stratified,markers}.json.
# Uses: stats (power.prop.test, power.t.test, pt, fisher.test, chisq.test, mantelhaen.test, glm, anova, lm,
# t.test, wilcox.test), pwr (pwr.2p2n.test, pwr.t2n.test), jsonlite. Breslow-Day is computed by its formula
# (Breslow & Day 1980, with Tarone's 1985 correction), which base R does not provide.
suppressPackageStartupMessages({ library(pwr); library(jsonlite) })
out <- function(x, file) writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, pretty = TRUE), file.path("fixtures/trials", file))
tol <- .Machine$double.eps^0.25

# ---------------------------------------------------------------------------------------------- sample size
prop_cases <- list(
  list(p1 = 0.80, p2 = 0.635, power = 0.80, alpha = 0.05, ratio = c(1, 1)),
  list(p1 = 0.80, p2 = 0.635, power = 0.90, alpha = 0.05, ratio = c(1, 1)),
  list(p1 = 0.45, p2 = 0.30, power = 0.80, alpha = 0.01, ratio = c(1, 1)),
  list(p1 = 0.10, p2 = 0.25, power = 0.85, alpha = 0.05, ratio = c(1, 1)),
  list(p1 = 0.80, p2 = 0.635, power = 0.80, alpha = 0.05, ratio = c(2, 1)),
  list(p1 = 0.60, p2 = 0.40, power = 0.90, alpha = 0.05, ratio = c(1, 2)),
  list(p1 = 0.70, p2 = 0.50, power = 0.80, alpha = 0.05, ratio = c(3, 1)),
  # beyond 10 million per arm: R's uniroot(extendInt = "upX") widens the interval
  list(p1 = 0.50, p2 = 0.4999, power = 0.80, alpha = 0.05, ratio = c(1, 1))
)
prop <- lapply(prop_cases, function(c) {
  k <- c$ratio[2] / c$ratio[1]
  if (k == 1) {
    n1 <- power.prop.test(p1 = c$p1, p2 = c$p2, power = c$power, sig.level = c$alpha)$n
    pw_at <- power.prop.test(n = 50, p1 = c$p1, p2 = c$p2, sig.level = c$alpha)$power
    method <- "power.prop.test"
    at <- list(n1 = 50, n2 = 50, power = pw_at)
  } else {
    h <- ES.h(c$p1, c$p2)
    f <- function(n1) pwr.2p2n.test(h = h, n1 = n1, n2 = n1 * k, sig.level = c$alpha)$power - c$power
    n1 <- uniroot(f, c(max(2, 2 / k), 1e7), tol = tol)$root
    method <- "pwr.2p2n.test"
    at <- list(n1 = 60, n2 = 60 * k, power = pwr.2p2n.test(h = h, n1 = 60, n2 = 60 * k, sig.level = c$alpha)$power)
  }
  c(c, list(method = method, n1 = n1, at = at))
})
mean_cases <- list(
  list(delta = 1, sd = 2, power = 0.80, alpha = 0.05, ratio = c(1, 1)),
  list(delta = 0.5, sd = 1, power = 0.90, alpha = 0.05, ratio = c(1, 1)),
  list(delta = 2.5, sd = 4, power = 0.80, alpha = 0.01, ratio = c(1, 1)),
  list(delta = 3, sd = 2, power = 0.95, alpha = 0.05, ratio = c(1, 1)),
  list(delta = 1, sd = 2, power = 0.80, alpha = 0.05, ratio = c(2, 1)),
  list(delta = 0.8, sd = 1.5, power = 0.85, alpha = 0.05, ratio = c(1, 3)),
  list(delta = 0.001, sd = 1, power = 0.80, alpha = 0.05, ratio = c(1, 1))
)
means <- lapply(mean_cases, function(c) {
  k <- c$ratio[2] / c$ratio[1]
  d <- c$delta / c$sd
  if (k == 1) {
    n1 <- power.t.test(delta = c$delta, sd = c$sd, power = c$power, sig.level = c$alpha)$n
    method <- "power.t.test"
    at <- list(n1 = 20, n2 = 20, power = power.t.test(n = 20, delta = c$delta, sd = c$sd, sig.level = c$alpha)$power)
  } else {
    f <- function(n1) pwr.t2n.test(d = d, n1 = n1, n2 = n1 * k, sig.level = c$alpha)$power - c$power
    n1 <- uniroot(f, c(max(2, 2 / k), 1e7), tol = tol)$root
    method <- "pwr.t2n.test"
    at <- list(n1 = 30, n2 = 30 * k, power = pwr.t2n.test(d = d, n1 = 30, n2 = 30 * k, sig.level = c$alpha)$power)
  }
  c(c, list(method = method, n1 = n1, at = at))
})
out(list(proportions = prop, means = means), "sample-size.json")

# ---------------------------------------------------------------------------------------------- non-central t
grid <- expand.grid(t = c(-2, -0.5, 0, 0.7, 1.96, 2.5, 4, 8), df = c(3, 10, 38, 120, 500), ncp = c(-1.5, 0.5, 2, 3.2, 6))
grid$lower <- mapply(function(t, df, ncp) pt(t, df, ncp), grid$t, grid$df, grid$ncp)
grid$upper <- mapply(function(t, df, ncp) pt(t, df, ncp, lower.tail = FALSE), grid$t, grid$df, grid$ncp)
out(grid, "noncentral-t.json")

# ---------------------------------------------------------------------------------------------- primary 2x2
tab2 <- function(et, nt, ec, nc) matrix(c(et, nt - et, ec, nc - ec), 2, byrow = TRUE)
primary_cases <- list(
  list(name = "source 002 healthy newborns", eventsT = 60, totalT = 75, eventsC = 47, totalC = 74),
  list(name = "LIT pregnancy", eventsT = 30, totalT = 42, eventsC = 21, totalC = 40),
  list(name = "small", eventsT = 7, totalT = 12, eventsC = 3, totalC = 13)
)
primary <- lapply(primary_cases, function(c) {
  m <- tab2(c$eventsT, c$totalT, c$eventsC, c$totalC)
  a <- m[1, 1]; b <- m[1, 2]; cc <- m[2, 1]; d <- m[2, 2]
  lor <- log(a * d / (b * cc)); se <- sqrt(1 / a + 1 / b + 1 / cc + 1 / d); z <- qnorm(0.975)
  lrr <- log((a / (a + b)) / (cc / (cc + d))); serr <- sqrt(1 / a - 1 / (a + b) + 1 / cc - 1 / (cc + d))
  p1 <- a / (a + b); p2 <- cc / (cc + d); rd <- p1 - p2; serd <- sqrt(p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (cc + d))
  c(c, list(or = exp(lor), or_ci_lb = exp(lor - z * se), or_ci_ub = exp(lor + z * se),
            rr = exp(lrr), rr_ci_lb = exp(lrr - z * serr), rr_ci_ub = exp(lrr + z * serr),
            rd = rd, rd_ci_lb = rd - z * serd, rd_ci_ub = rd + z * serd,
            fisher_p = fisher.test(m)$p.value,
            chisq = unname(chisq.test(m, correct = FALSE)$statistic), chisq_p = chisq.test(m, correct = FALSE)$p.value,
            chisq_yates_p = chisq.test(m)$p.value))
})
out(primary, "primary.json")

# ---------------------------------------------------------------------------------------------- stratified
# Participant-level data rebuilt from stratum counts (treated events/total, control events/total).
strat_cases <- list(
  list(name = "ANA strata (simulated LIT design)", strata = list(
    list(stratum = "ana-positive", et = 24, nt = 42, ec = 15, nc = 42),
    list(stratum = "ana-negative", et = 41, nt = 57, ec = 26, nc = 57))),
  list(name = "three strata, heterogeneous", strata = list(
    list(stratum = "a", et = 20, nt = 30, ec = 10, nc = 30),
    list(stratum = "b", et = 12, nt = 25, ec = 13, nc = 26),
    list(stratum = "c", et = 9, nt = 15, ec = 2, nc = 16))),
  list(name = "homogeneous", strata = list(
    list(stratum = "x", et = 15, nt = 40, ec = 10, nc = 40),
    list(stratum = "y", et = 30, nt = 60, ec = 22, nc = 60)))
)
bd_formula <- function(tabs, psi) {
  bd <- 0; sa <- 0; se <- 0; sv <- 0
  for (t in tabs) {
    a <- t$et; n1 <- t$nt; n2 <- t$nc; m1 <- t$et + t$ec
    f <- function(A) A * (n2 - m1 + A) - psi * (n1 - A) * (m1 - A)
    A <- uniroot(f, c(max(0, m1 - n2), min(n1, m1)), tol = 1e-13)$root
    v <- 1 / (1 / A + 1 / (n1 - A) + 1 / (m1 - A) + 1 / (n2 - m1 + A))
    bd <- bd + (a - A)^2 / v; sa <- sa + a; se <- se + A; sv <- sv + v
  }
  tar <- bd - (sa - se)^2 / sv
  df <- length(tabs) - 1
  list(statistic = bd, df = df, p = pchisq(bd, df, lower.tail = FALSE), tarone = tar, tarone_p = pchisq(tar, df, lower.tail = FALSE))
}
stratified <- lapply(strat_cases, function(c) {
  rows <- do.call(rbind, lapply(c$strata, function(s) data.frame(
    stratum = s$stratum,
    arm = c(rep("treatment", s$nt), rep("control", s$nc)),
    y = c(rep(1, s$et), rep(0, s$nt - s$et), rep(1, s$ec), rep(0, s$nc - s$ec)))))
  rows$stratum <- factor(rows$stratum, levels = sapply(c$strata, function(s) s$stratum))
  rows$trt <- as.integer(rows$arm == "treatment")
  arr <- array(unlist(lapply(c$strata, function(s) c(s$et, s$ec, s$nt - s$et, s$nc - s$ec))), dim = c(2, 2, length(c$strata)))
  mh <- mantelhaen.test(arr)
  psi <- unname(mh$estimate)
  full <- glm(y ~ trt * stratum, family = binomial, data = rows)
  red <- glm(y ~ trt + stratum, family = binomial, data = rows)
  lr <- anova(red, full, test = "Chisq")
  sm <- summary(full)$coefficients
  inter <- sm[grepl("^trt:", rownames(sm)), , drop = FALSE]
  c(c, list(
    mh_or = psi, mh_ci = unname(mh$conf.int[1:2]), cmh = unname(mh$statistic), cmh_p = mh$p.value,
    breslow_day = bd_formula(c$strata, psi),
    interaction = list(lr = lr$Deviance[2], df = lr$Df[2], p = lr$`Pr(>Chi)`[2],
                       terms = lapply(seq_len(nrow(inter)), function(i) list(estimate = inter[i, 1], se = inter[i, 2], z = inter[i, 3], p = inter[i, 4]))),
    full_deviance = deviance(full), reduced_deviance = deviance(red)))
})
out(stratified, "stratified.json")

# ---------------------------------------------------------------------------------------------- markers
set.seed(20260101)
marker_cases <- lapply(1:3, function(i) {
  nt <- c(14, 25, 9)[i]; nc <- c(13, 22, 11)[i]
  pre_t <- round(rnorm(nt, 12, 3), 2); pre_c <- round(rnorm(nc, 12, 3), 2)
  post_t <- round(pre_t - c(2.5, 1.2, 3)[i] + rnorm(nt, 0, 2), 2); post_c <- round(pre_c - 0.3 + rnorm(nc, 0, 2), 2)
  d <- data.frame(arm = c(rep("treatment", nt), rep("control", nc)), pre = c(pre_t, pre_c), post = c(post_t, post_c))
  d$trt <- as.integer(d$arm == "treatment")
  fit <- summary(lm(post ~ pre + trt, data = d))$coefficients
  ci <- confint(lm(post ~ pre + trt, data = d))
  within <- lapply(c("treatment", "control"), function(a) {
    s <- d[d$arm == a, ]
    tt <- t.test(s$post, s$pre, paired = TRUE)
    w <- suppressWarnings(wilcox.test(s$post, s$pre, paired = TRUE))
    list(arm = a, t = unname(tt$statistic), p = tt$p.value, estimate = unname(tt$estimate), V = unname(w$statistic), wilcox_p = w$p.value)
  })
  ch_t <- post_t - pre_t; ch_c <- post_c - pre_c
  wt <- t.test(ch_t, ch_c)
  wr <- suppressWarnings(wilcox.test(ch_t, ch_c))
  list(data = d[, c("arm", "pre", "post")],
       ancova = list(estimate = fit["trt", 1], se = fit["trt", 2], t = fit["trt", 3], p = fit["trt", 4], ci_lb = ci["trt", 1], ci_ub = ci["trt", 2],
                     pre_estimate = fit["pre", 1], df = nrow(d) - 3),
       within = within,
       change = list(t = unname(wt$statistic), df = unname(wt$parameter), p = wt$p.value, estimate = unname(wt$estimate[1] - wt$estimate[2]), W = unname(wr$statistic), wilcox_p = wr$p.value))
})
out(marker_cases, "markers.json")
cat("wrote fixtures/trials/*.json\n")
