# Reference values for the single-trial statistics (src/stats/trial), computed with R.
# Run from the repository root:  Rscript test/trial/reference.R > test/trial/reference.json
# Uses: stats (t.test, wilcox.test, chisq.test, fisher.test), metafor (escalc for OR/RR/RD), jsonlite.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

tables <- list(
  list(name = "tacrolimus healthy newborns", eventsT = 60, totalT = 75, eventsC = 47, totalC = 74),
  list(name = "zero cell", eventsT = 0, totalT = 10, eventsC = 3, totalC = 10),
  list(name = "small", eventsT = 12, totalT = 20, eventsC = 5, totalC = 22),
  list(name = "small reversed", eventsT = 3, totalT = 8, eventsC = 9, totalC = 10),
  list(name = "moderate", eventsT = 45, totalT = 100, eventsC = 30, totalC = 100),
  list(name = "rare events", eventsT = 1, totalT = 50, eventsC = 8, totalC = 52),
  list(name = "large", eventsT = 230, totalT = 500, eventsC = 180, totalC = 500),
  list(name = "no difference", eventsT = 10, totalT = 20, eventsC = 10, totalC = 20)
)

# Conditional MLE and exact CI of the odds ratio, solved with a tight tolerance (fisher.test's own uniroot
# calls use tol = .Machine$double.eps^0.25, about 1.2e-4, so its printed estimate is only that precise).
cond_or <- function(x, m, n, k, level = 0.95) {
  lo <- max(0, k - n); hi <- min(k, m); support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dn <- function(lt) { d <- logdc + lt * support; d <- exp(d - max(d)); d / sum(d) }
  mn <- function(lt) sum(support * dn(lt))
  pn <- function(q, lt, upper) { d <- dn(lt); sum(d[if (upper) support >= q else support <= q]) }
  solve <- function(g, target) {
    a <- -1; b <- 1
    while (g(a) > target) a <- a * 2
    while (g(b) < target) b <- b * 2
    exp(uniroot(function(lt) g(lt) - target, c(a, b), tol = 1e-14)$root)
  }
  alpha <- (1 - level) / 2
  mle <- if (x == lo) 0 else if (x == hi) Inf else solve(mn, x)
  ciL <- if (x == lo) 0 else solve(function(lt) pn(x, lt, TRUE), alpha)
  ciU <- if (x == hi) Inf else solve(function(lt) -pn(x, lt, FALSE), -alpha)
  list(mle = mle, ci_low = ciL, ci_high = ciU)
}

wald <- function(yi, vi, log) {
  se <- sqrt(vi); z <- qnorm(0.975)
  f <- if (log) exp else identity
  list(estimate = f(yi), ci_low = f(yi - z * se), ci_high = f(yi + z * se), se = se, z = yi / se,
       p = 2 * pnorm(-abs(yi / se)))
}

two_by_two <- lapply(tables, function(t) {
  a <- t$eventsT; b <- t$totalT - a; cc <- t$eventsC; d <- t$totalC - cc
  m <- matrix(c(a, cc, b, d), nrow = 2)  # rows = arms, columns = event / no event
  or <- escalc("OR", ai = a, bi = b, ci = cc, di = d)
  rr <- escalc("RR", ai = a, bi = b, ci = cc, di = d)
  rd <- escalc("RD", ai = a, bi = b, ci = cc, di = d)
  p0 <- suppressWarnings(chisq.test(m, correct = FALSE))
  p1 <- suppressWarnings(chisq.test(m, correct = TRUE))
  f <- fisher.test(m)
  co <- cond_or(a, a + cc, b + d, a + b)
  list(
    input = t,
    oddsRatio = wald(or$yi[1], or$vi[1], TRUE),
    riskRatio = wald(rr$yi[1], rr$vi[1], TRUE),
    riskDifference = wald(rd$yi[1], rd$vi[1], FALSE),
    pearson = list(statistic = unname(p0$statistic), p = p0$p.value),
    yates = list(statistic = unname(p1$statistic), p = p1$p.value),
    fisher = list(p = f$p.value, r_estimate = unname(f$estimate), r_ci_low = f$conf.int[1], r_ci_high = f$conf.int[2],
                  conditionalOddsRatio = co$mle, ci_low = co$ci_low, ci_high = co$ci_high)
  )
})

two_sample <- list(
  list(name = "small, no ties (exact)",
       x = c(12.1, 15.3, 9.8, 14.2, 11.7, 16.9, 13.4, 10.6),
       y = c(8.2, 9.9, 11.1, 7.4, 10.3, 6.8, 9.1)),
  list(name = "ties (normal approximation)",
       x = c(3, 5, 5, 7, 8, 8, 8, 10, 12),
       y = c(2, 3, 3, 5, 6, 6, 7, 9)),
  list(name = "larger samples (normal approximation)",
       x = round(seq(1, 60, length.out = 60)^1.1 + sin(1:60) * 7, 6),
       y = round(seq(2, 56, length.out = 55)^1.08 + cos(1:55) * 5, 6)),
  list(name = "NK cell percent, ANA+ vs ANA- (illustrative)",
       x = c(14.2, 16.8, 12.5, 18.1, 15.6, 13.9, 17.4, 19.2, 11.8, 16.1, 15.0, 14.7),
       y = c(10.1, 12.3, 9.7, 11.8, 13.2, 10.9, 12.7, 9.2, 11.1, 10.4))
)

two_sample_out <- lapply(two_sample, function(s) {
  tt <- t.test(s$x, s$y)
  w <- suppressWarnings(wilcox.test(s$x, s$y))
  wnc <- suppressWarnings(wilcox.test(s$x, s$y, exact = FALSE, correct = FALSE))
  list(name = s$name, x = s$x, y = s$y,
       welch = list(statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                    estimate = unname(tt$estimate[1] - tt$estimate[2]), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2]),
       rankSum = list(statistic = unname(w$statistic), p = w$p.value, method = w$method),
       rankSumNormalNoCorrection = list(statistic = unname(wnc$statistic), p = wnc$p.value))
})

paired <- list(
  list(name = "pre/post, no ties (exact)",
       x = c(18.2, 15.1, 20.4, 17.8, 16.6, 21.3, 19.0, 14.9, 17.1, 18.8),
       y = c(14.0, 15.6, 16.1, 13.2, 15.9, 16.4, 14.1, 13.5, 16.3, 12.9)),
  list(name = "pre/post with ties and a zero difference",
       x = c(5, 7, 6, 9, 4, 8, 7, 6, 10, 5, 6),
       y = c(3, 5, 6, 6, 5, 5, 4, 4, 7, 2, 3)),
  list(name = "pre/post, 60 pairs (normal approximation)",
       x = round(20 + sin(1:60) * 4 + (1:60) / 10, 6),
       y = round(19 + cos(1:60) * 3 + (1:60) / 12, 6))
)

paired_out <- lapply(paired, function(s) {
  tt <- t.test(s$x, s$y, paired = TRUE)
  w <- suppressWarnings(wilcox.test(s$x, s$y, paired = TRUE))
  list(name = s$name, x = s$x, y = s$y,
       paired = list(statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                     estimate = unname(tt$estimate), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2]),
       signedRank = list(statistic = unname(w$statistic), p = w$p.value, method = w$method))
})

# Welch's t from summary statistics: data built with exactly the given mean and SD (scaled 1..n), so t.test on
# them is the reference for the formula applied to (mean, SD, n).
with_stats <- function(mean, sd, n) { z <- as.numeric(scale(seq_len(n))); mean + sd * z }
summary_cases <- list(
  list(name = "NK cells % (illustrative)", x = list(mean = 15.4, sd = 2.3, n = 42), y = list(mean = 12.1, sd = 3.9, n = 38)),
  list(name = "birth weight g (illustrative)", x = list(mean = 3150, sd = 410, n = 12), y = list(mean = 3320, sd = 520, n = 9)),
  list(name = "small groups", x = list(mean = 1.2, sd = 0.4, n = 3), y = list(mean = 0.7, sd = 0.9, n = 4))
)
summary_out <- lapply(summary_cases, function(s) {
  tt <- t.test(with_stats(s$x$mean, s$x$sd, s$x$n), with_stats(s$y$mean, s$y$sd, s$y$n))
  list(name = s$name, x = s$x, y = s$y,
       welch = list(statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                    estimate = unname(tt$estimate[1] - tt$estimate[2]), ci_low = tt$conf.int[1], ci_high = tt$conf.int[2]))
})

cat(toJSON(list(r_version = R.version.string, two_by_two = two_by_two, two_sample = two_sample_out, paired = paired_out,
                summary_welch = summary_out),
           auto_unbox = TRUE, digits = NA, pretty = TRUE))
cat("\n")
