# Reference values for Decidua's meta-analysis engine, computed with R metafor.
#
#   Rscript scripts/metafor-fixtures.R          (from the repository root; writes fixtures/metafor/*.json)
#
# Needs R >= 4 with metafor (3.8.1 was used), metadat and jsonlite. CI never runs this: the JSON output is
# committed and test/stats/fixtures/metafor.test.ts compares the engine against it.
#
# Each JSON file holds an array of cases for one dataset. A case is
#   { id, dataset, description, reference, rows: [ {study, year?, <subgroup column>?, events_t, total_t, ...} ],
#     options: { measure, method, model, tau2, test, subgroup?, leaveOneOut, cumulative, bias, preset?, smdCorrection? },
#     expected: { measure, k, model, pooled, heterogeneity, studies, subgroups?, subgroup_test?, leave_one_out?,
#                 cumulative?, bias? } }
# using the field names of the JSON contract in src/stats/types.ts. A value metafor cannot give (NA) is left out,
# so the test compares only what R actually computed.
#
# Conventions (the same as the engine's documentation, docs/meta-cli.md):
# - Zero cells: 0.5 added to every cell of a study with a zero cell (escalc's add=1/2, to="only0");
#   double-zero studies are left out of OR and RR (escalc drop00=TRUE) and kept for RD; under MH they stay in the
#   MH estimate and are left out of QE for RD too (rma.mh's default drop00 = c(TRUE, FALSE)), except with revman5.
# - Mantel-Haenszel: rma.mh without correction inside the MH estimate (metafor's default); per-study yi/vi and the
#   Q statistic from escalc with the zero-cell rule above. k = studies with an estimable yi.
# - Peto: per-study Peto log OR without any correction ((O-E)/V is defined with single zero cells).
# - Subgroups: each subgroup fitted with the same model as the whole; the test for subgroup differences is the
#   fixed-effect Q across the subgroup estimates (df = groups - 1), as RevMan 5 does.
# - Egger: regtest(model = "lm"); `intercept` is the classical Egger intercept (the coefficient of sei in the
#   weighted regression of yi on sei, equal to the intercept of yi/sei on 1/sei), `statistic` its t value.
# - revman5 preset: MH fixed effect with 0.5 added to zero cells inside MH; random effects = DerSimonian-Laird with
#   the MH-based Q (Deeks & Higgins, Statistical algorithms in Review Manager 5), computed here from those formulas.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

out_dir <- file.path("fixtures", "metafor")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num <- function(x) {
  x <- as.numeric(x)
  if (length(x) != 1 || is.na(x) || !is.finite(x)) NULL else x
}
pair <- function(a, b) {
  a <- num(a); b <- num(b)
  if (is.null(a) || is.null(b)) NULL else c(a, b)
}
# weights() returns one value per fitted study; spread them back over all input rows (0 for the others).
full_weights <- function(w, not_na, n) {
  if (length(w) == n) return(ifelse(is.na(w), 0, as.numeric(w)))
  out <- rep(0, n); out[not_na] <- as.numeric(w); out
}
compact <- function(l) l[!vapply(l, is.null, logical(1))]

# ---------------------------------------------------------------------------------------------------------------
# Input rows in Decidua's column names
# ---------------------------------------------------------------------------------------------------------------
uniq <- function(s) {
  s <- as.character(s)
  d <- duplicated(s) | duplicated(s, fromLast = TRUE)
  if (any(d)) s[d] <- paste0(s[d], " (", ave(seq_along(s[d]), s[d], FUN = seq_along), ")")
  s
}
binary_rows <- function(study, events_t, total_t, events_c, total_c, year = NULL, group = NULL) {
  df <- data.frame(study = uniq(study), events_t = as.integer(events_t), total_t = as.integer(total_t),
                   events_c = as.integer(events_c), total_c = as.integer(total_c), stringsAsFactors = FALSE)
  if (!is.null(year)) df$year <- as.integer(year)
  if (!is.null(group)) df$subgroup <- as.character(group)
  df
}
continuous_rows <- function(study, mean_t, sd_t, total_t, mean_c, sd_c, total_c, year = NULL, group = NULL) {
  df <- data.frame(study = uniq(study), mean_t = mean_t, sd_t = sd_t, total_t = as.integer(total_t),
                   mean_c = mean_c, sd_c = sd_c, total_c = as.integer(total_c), stringsAsFactors = FALSE)
  if (!is.null(year)) df$year <- as.integer(year)
  if (!is.null(group)) df$subgroup <- as.character(group)
  df
}
generic_rows <- function(study, yi, vi, year = NULL, group = NULL) {
  df <- data.frame(study = uniq(study), yi = as.numeric(yi), vi = as.numeric(vi), stringsAsFactors = FALSE)
  if (!is.null(year)) df$year <- as.integer(year)
  if (!is.null(group)) df$subgroup <- as.character(group)
  df
}
row_kind <- function(rows) {
  if ("events_t" %in% names(rows)) "binary" else if ("mean_t" %in% names(rows)) "continuous" else "generic"
}

# ---------------------------------------------------------------------------------------------------------------
# Effect sizes
# ---------------------------------------------------------------------------------------------------------------
# RevMan 5's approximate Hedges' g: g = d (1 - 3 / (4N - 9)), var = N / (n1 n2) + g^2 / (2 (N - 3.94)).
smd_approx <- function(r) {
  n1 <- r$total_t; n2 <- r$total_c; N <- n1 + n2
  s <- sqrt(((n1 - 1) * r$sd_t^2 + (n2 - 1) * r$sd_c^2) / (N - 2))
  g <- (r$mean_t - r$mean_c) / s * (1 - 3 / (4 * N - 9))
  list(yi = g, vi = N / (n1 * n2) + g^2 / (2 * (N - 3.94)))
}

effect_sizes <- function(rows, o) {
  kind <- row_kind(rows)
  if (kind == "binary") {
    if (o$method == "PETO") {
      es <- escalc("PETO", ai = rows$events_t, n1i = rows$total_t, ci = rows$events_c, n2i = rows$total_c,
                   add = 0, to = "none", drop00 = TRUE)
      cc <- rep(FALSE, nrow(rows))
    } else {
      drop00 <- o$measure %in% c("OR", "RR")
      es <- escalc(o$measure, ai = rows$events_t, n1i = rows$total_t, ci = rows$events_c, n2i = rows$total_c,
                   add = 1/2, to = "only0", drop00 = drop00)
      cells <- cbind(rows$events_t, rows$total_t - rows$events_t, rows$events_c, rows$total_c - rows$events_c)
      anyzero <- apply(cells == 0, 1, any)
      dz <- (rows$events_t == 0 & rows$events_c == 0) | (rows$events_t == rows$total_t & rows$events_c == rows$total_c)
      cc <- anyzero & !(drop00 & dz)
    }
    return(list(yi = as.numeric(es$yi), vi = as.numeric(es$vi), cc = cc))
  }
  if (kind == "continuous") {
    if (o$measure == "SMD" && identical(o$smdCorrection, "approx")) {
      a <- smd_approx(rows)
      return(list(yi = a$yi, vi = a$vi, cc = rep(FALSE, nrow(rows))))
    }
    es <- escalc(o$measure, m1i = rows$mean_t, sd1i = rows$sd_t, n1i = rows$total_t,
                 m2i = rows$mean_c, sd2i = rows$sd_c, n2i = rows$total_c)
    return(list(yi = as.numeric(es$yi), vi = as.numeric(es$vi), cc = rep(FALSE, nrow(rows))))
  }
  list(yi = rows$yi, vi = rows$vi, cc = rep(FALSE, nrow(rows)))
}

# ---------------------------------------------------------------------------------------------------------------
# Fitting one model (a whole analysis or one subgroup)
# ---------------------------------------------------------------------------------------------------------------
# Returns list(fit = metafor object or NULL, kind = "uni"|"mh"|"peto"|"revman", model = "fixed"|"random",
#              pooled, heterogeneity, weights (percent, one per row, 0 when excluded), es)
fit_model <- function(rows, o) {
  es <- effect_sizes(rows, o)
  ok <- !is.na(es$yi)
  model <- o$model
  kind <- row_kind(rows)
  revman <- identical(o$preset, "revman5")

  if (kind == "binary" && o$method == "MH") {
    add <- if (revman) c(1/2, 1/2) else c(1/2, 0)
    to <- if (revman) c("only0", "only0") else c("only0", "none")
    # Double-zero tables are out of the per-study estimates behind QE for every measure, RD too (rma.mh's default
    # drop00 = c(TRUE, FALSE)); in the MH estimate they stay for RD (the default) and are left out for OR and RR
    # (Decidua's "no information" rule: it changes only an RR table with events in every participant, which
    # rma.mh's default would keep). RevMan keeps RD double zeros in both.
    drop00 <- if (revman) rep(o$measure %in% c("OR", "RR"), 2) else c(TRUE, o$measure %in% c("OR", "RR"))
    mh <- rma.mh(measure = o$measure, ai = rows$events_t, n1i = rows$total_t, ci = rows$events_c,
                 n2i = rows$total_c, add = add, to = to, drop00 = drop00, slab = rows$study)
    k <- sum(ok)
    df <- mh$k.yi - 1
    # the studies behind QE (and the RevMan-style random effects below)
    okq <- ok & !is.na(mh$yi)
    het <- list(tau2 = 0, tau = 0, tau2_se = NULL, tau2_ci = NULL, QE = num(mh$QE), QE_df = df,
                QE_pval = num(mh$QEp), I2 = num(mh$I2), I2_ci = NULL, H2 = num(mh$H2), H2_ci = NULL)
    if (model == "fixed") {
      w <- full_weights(weights(mh), mh$not.na, nrow(rows))
      w[!ok] <- 0
      p <- list(estimate = num(mh$beta), se = num(mh$se), zval = num(mh$zval), pval = num(mh$pval),
                ci_lb = num(mh$ci.lb), ci_ub = num(mh$ci.ub), pi_lb = num(mh$ci.lb), pi_ub = num(mh$ci.ub), df = NULL)
      return(list(fit = mh, kind = "mh", model = "fixed", k = k, pooled = p, heterogeneity = compact(het),
                  weights = as.numeric(w), es = es))
    }
    # RevMan 5 random effects for MH analyses: DerSimonian-Laird tau2 from the MH-based Q, then IV pooling.
    wi <- 1 / es$vi[okq]
    tau2 <- max(0, (mh$QE - df) / (sum(wi) - sum(wi^2) / sum(wi)))
    re <- rma(ifelse(okq, es$yi, NA), ifelse(okq, es$vi, NA), tau2 = tau2, method = "DL", slab = rows$study)
    pr <- predict(re)
    w <- rep(0, nrow(rows)); w[re$not.na] <- weights(re)
    p <- list(estimate = num(re$beta), se = num(re$se), zval = num(re$zval), pval = num(re$pval),
              ci_lb = num(re$ci.lb), ci_ub = num(re$ci.ub), pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub), df = NULL)
    het$tau2 <- tau2; het$tau <- sqrt(tau2)
    return(list(fit = re, kind = "revman", model = "random", k = k, pooled = p, heterogeneity = compact(het),
                weights = w, es = es))
  }

  if (kind == "binary" && o$method == "PETO") {
    pt <- rma.peto(ai = rows$events_t, n1i = rows$total_t, ci = rows$events_c, n2i = rows$total_c,
                   add = c(0, 0), to = c("none", "none"), drop00 = c(TRUE, TRUE), slab = rows$study)
    k <- sum(ok)
    w <- full_weights(weights(pt), pt$not.na, nrow(rows)); w[!ok] <- 0
    p <- list(estimate = num(pt$beta), se = num(pt$se), zval = num(pt$zval), pval = num(pt$pval),
              ci_lb = num(pt$ci.lb), ci_ub = num(pt$ci.ub), pi_lb = num(pt$ci.lb), pi_ub = num(pt$ci.ub), df = NULL)
    het <- list(tau2 = 0, tau = 0, QE = num(pt$QE), QE_df = k - 1, QE_pval = num(pt$QEp), I2 = num(pt$I2),
                H2 = num(pt$H2))
    return(list(fit = pt, kind = "peto", model = "fixed", k = k, pooled = p, heterogeneity = compact(het),
                weights = as.numeric(w), es = es))
  }

  # Inverse variance (rma.uni)
  if (model == "auto") {
    fe <- rma(es$yi, es$vi, method = "FE", slab = rows$study)
    model <- if (fe$I2 < 50) "fixed" else "random"
  }
  if (model == "fixed") {
    fit <- rma(es$yi, es$vi, method = "FE", slab = rows$study)
  } else if (revman) {
    fit <- rma(es$yi, es$vi, method = "DL", test = o$test, slab = rows$study)
  } else {
    fit <- rma(es$yi, es$vi, method = o$tau2, test = o$test, slab = rows$study)
  }
  pr <- predict(fit)
  w <- rep(0, nrow(rows)); w[fit$not.na] <- weights(fit)
  p <- list(estimate = num(fit$beta), se = num(fit$se), zval = num(fit$zval), pval = num(fit$pval),
            ci_lb = num(fit$ci.lb), ci_ub = num(fit$ci.ub), pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub),
            df = if (o$test == "knha") num(fit$dfs) else NULL)
  het <- list(tau2 = num(fit$tau2), tau = sqrt(fit$tau2), QE = num(fit$QE), QE_df = fit$k - 1,
              QE_pval = num(fit$QEp), I2 = num(fit$I2), H2 = num(fit$H2))
  if (model == "random") {
    het$tau2_se <- num(fit$se.tau2)
    if (fit$k >= 2) {
      ci <- tryCatch(suppressWarnings(confint(fit)$random), error = function(e) NULL)
      if (!is.null(ci)) {
        het$tau2_ci <- pair(ci["tau^2", "ci.lb"], ci["tau^2", "ci.ub"])
        het$I2_ci <- pair(ci["I^2(%)", "ci.lb"], ci["I^2(%)", "ci.ub"])
        het$H2_ci <- pair(ci["H^2", "ci.lb"], ci["H^2", "ci.ub"])
      }
    }
  }
  list(fit = fit, kind = "uni", model = model, k = fit$k, pooled = p, heterogeneity = compact(het), weights = w, es = es)
}

ratio <- function(o) o$method == "PETO" || o$measure %in% c("OR", "RR")
with_transformed <- function(p, o) {
  if (ratio(o)) {
    p$transformed <- compact(list(estimate = exp(p$estimate), ci_lb = exp(p$ci_lb), ci_ub = exp(p$ci_ub),
                                  pi_lb = if (is.null(p$pi_lb)) NULL else exp(p$pi_lb),
                                  pi_ub = if (is.null(p$pi_ub)) NULL else exp(p$pi_ub)))
  }
  compact(p)
}

# ---------------------------------------------------------------------------------------------------------------
# One case
# ---------------------------------------------------------------------------------------------------------------
defaults <- list(method = "IV", model = "random", tau2 = "REML", test = "z", leaveOneOut = FALSE, cumulative = FALSE,
                 bias = FALSE, level = 95)

make_case <- function(id, dataset, description, rows, opts) {
  o <- modifyList(defaults, opts)
  if (is.null(o$measure)) o$measure <- switch(row_kind(rows), binary = "OR", continuous = "MD", generic = "GEN")
  if (identical(o$preset, "revman5")) {
    # RevMan 5: MH for dichotomous data, DerSimonian-Laird for random effects (recorded explicitly in options)
    if (row_kind(rows) == "binary" && is.null(opts$method)) o$method <- "MH"
    o$tau2 <- "DL"
  }
  m <- fit_model(rows, o)
  z <- qnorm(0.975)
  es <- m$es
  studies <- lapply(seq_len(nrow(rows)), function(i) {
    inc <- !is.na(es$yi[i])
    compact(list(study = rows$study[i], yi = if (inc) es$yi[i] else NULL, vi = if (inc) es$vi[i] else NULL,
                 ci_lb = if (inc) es$yi[i] - z * sqrt(es$vi[i]) else NULL,
                 ci_ub = if (inc) es$yi[i] + z * sqrt(es$vi[i]) else NULL,
                 weight = m$weights[i], included = inc, continuity_corrected = es$cc[i]))
  })
  expected <- list(measure = o$measure, k = m$k, model = m$model, method = o$method,
                   tau2_method = if (m$model == "random") (if (identical(o$preset, "revman5")) "DL" else o$tau2) else NULL,
                   test = o$test,
                   pooled = with_transformed(m$pooled, o), heterogeneity = m$heterogeneity, studies = studies)

  if (!is.null(o$subgroup)) {
    g <- rows$subgroup
    lev <- unique(g)
    sub_opts <- o
    sub_opts$model <- m$model
    subs <- lapply(lev, function(l) {
      s <- fit_model(rows[g == l, , drop = FALSE], sub_opts)
      list(name = l, k = s$k, pooled = with_transformed(s$pooled, o), heterogeneity = s$heterogeneity)
    })
    est <- vapply(subs, function(s) s$pooled$estimate, numeric(1))
    se <- vapply(subs, function(s) s$pooled$se, numeric(1))
    between <- rma(est, sei = se, method = "FE")
    expected$subgroups <- subs
    expected$subgroup_test <- list(Q = between$QE, df = length(lev) - 1, pval = between$QEp)
  }

  if (isTRUE(o$leaveOneOut)) {
    if (m$kind == "revman") stop("leave-one-out is not generated for revman random-effects cases")
    l <- leave1out(m$fit)
    expected$leave_one_out <- lapply(seq_along(l$estimate), function(i) compact(list(
      omitted = l$slab[i], estimate = num(l$estimate[i]), se = num(l$se[i]), ci_lb = num(l$ci.lb[i]),
      ci_ub = num(l$ci.ub[i]), pval = num(l$pval[i]), tau2 = if (is.null(l$tau2)) 0 else num(l$tau2[i]),
      I2 = num(l$I2[i]), QE = num(l$Q[i]))))
  }
  if (isTRUE(o$cumulative)) {
    if (m$kind == "revman") stop("cumulative is not generated for revman random-effects cases")
    yr <- if (is.null(rows$year)) seq_len(nrow(rows)) else rows$year
    cu <- do.call(cumul, list(m$fit, order = yr))
    expected$cumulative <- lapply(seq_along(cu$estimate), function(i) compact(list(
      added = cu$slab[i], k = i, estimate = num(cu$estimate[i]), se = num(cu$se[i]), ci_lb = num(cu$ci.lb[i]),
      ci_ub = num(cu$ci.ub[i]), pval = num(cu$pvals[i]), tau2 = if (is.null(cu$tau2)) 0 else num(cu$tau2[i]),
      I2 = num(cu$I2[i]), QE = num(cu$Q[i]))))
  }
  if (isTRUE(o$bias)) {
    if (m$kind != "uni") stop("bias tests are generated for inverse-variance models only")
    eg <- regtest(m$fit, model = "lm")
    cf <- coef(summary(eg$fit))
    rk <- ranktest(m$fit)
    tf <- trimfill(m$fit)
    expected$bias <- list(
      egger = list(statistic = num(eg$zval), df = num(eg$dfs), pval = num(eg$pval),
                   intercept = num(cf[2, 1]), intercept_se = num(cf[2, 2])),
      begg = list(tau = num(rk$tau), pval = num(rk$pval)),
      trimfill = compact(list(k0 = tf$k0, side = tf$side, estimate = num(tf$beta), se = num(tf$se),
                              ci_lb = num(tf$ci.lb), ci_ub = num(tf$ci.ub), tau2 = num(tf$tau2))))
  }

  opt_out <- compact(list(measure = o$measure, method = o$method, model = o$model, tau2 = o$tau2, test = o$test,
                          subgroup = if (is.null(o$subgroup)) NULL else "subgroup", leaveOneOut = o$leaveOneOut,
                          cumulative = o$cumulative, bias = o$bias, preset = o$preset, smdCorrection = o$smdCorrection))
  list(id = id, dataset = dataset, description = description,
       reference = if (identical(o$preset, "revman5")) "RevMan 5 formulas (Deeks & Higgins) computed in R with metafor"
                   else paste("R metafor", as.character(packageVersion("metafor"))),
       rows = rows, options = opt_out, expected = expected)
}

write_cases <- function(name, cases) {
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE), path)
  cat(sprintf("%-28s %3d cases\n", path, length(cases)))
}

# ---------------------------------------------------------------------------------------------------------------
# Datasets and cases
# ---------------------------------------------------------------------------------------------------------------
estimators <- c("DL", "REML", "PM", "ML", "HE", "SJ", "EB")

# BCG vaccine (13 trials): every estimator, measures, MH, Peto, subgroups by allocation, sensitivity, bias.
d <- dat.bcg
bcg <- binary_rows(paste(d$author, d$year), d$tpos, d$tpos + d$tneg, d$cpos, d$cpos + d$cneg, d$year, d$alloc)
cases <- list()
for (m in c("OR", "RR", "RD")) for (t in estimators) {
  cases[[length(cases) + 1]] <- make_case(sprintf("bcg-%s-%s", tolower(m), tolower(t)), "dat.bcg",
                                          sprintf("%s, random effects, %s", m, t), bcg, list(measure = m, tau2 = t))
}
for (m in c("OR", "RR", "RD")) {
  cases[[length(cases) + 1]] <- make_case(sprintf("bcg-%s-fixed", tolower(m)), "dat.bcg", paste(m, "fixed effect IV"),
                                          bcg, list(measure = m, model = "fixed", leaveOneOut = TRUE))
  cases[[length(cases) + 1]] <- make_case(sprintf("bcg-%s-mh", tolower(m)), "dat.bcg", paste(m, "Mantel-Haenszel"),
                                          bcg, list(measure = m, method = "MH", model = "fixed", leaveOneOut = TRUE))
  for (t in c("DL", "REML", "PM")) {
    cases[[length(cases) + 1]] <- make_case(sprintf("bcg-%s-%s-knha", tolower(m), tolower(t)), "dat.bcg",
                                            paste(m, t, "Knapp-Hartung"), bcg, list(measure = m, tau2 = t, test = "knha"))
  }
}
cases[[length(cases) + 1]] <- make_case("bcg-peto", "dat.bcg", "Peto OR", bcg, list(method = "PETO", model = "fixed"))
cases[[length(cases) + 1]] <- make_case("bcg-peto-sensitivity", "dat.bcg", "Peto OR by allocation, leave-one-out, cumulative",
                                        bcg, list(method = "PETO", model = "fixed", subgroup = "alloc", leaveOneOut = TRUE,
                                                  cumulative = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-or-mh-sensitivity", "dat.bcg", "OR MH by allocation, cumulative", bcg,
                                        list(measure = "OR", method = "MH", model = "fixed", subgroup = "alloc", cumulative = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-rr-subgroups", "dat.bcg", "RR REML by allocation, subgroup test",
                                        bcg, list(measure = "RR", subgroup = "alloc"))
cases[[length(cases) + 1]] <- make_case("bcg-rr-subgroups-knha", "dat.bcg", "RR REML Knapp-Hartung by allocation, bias",
                                        bcg, list(measure = "RR", test = "knha", subgroup = "alloc", bias = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-rr-subgroups-dl", "dat.bcg", "RR DL by allocation", bcg,
                                        list(measure = "RR", tau2 = "DL", subgroup = "alloc"))
cases[[length(cases) + 1]] <- make_case("bcg-rr-subgroups-fixed", "dat.bcg", "RR fixed by allocation", bcg,
                                        list(measure = "RR", model = "fixed", subgroup = "alloc"))
cases[[length(cases) + 1]] <- make_case("bcg-rr-mh-subgroups", "dat.bcg", "RR MH by allocation", bcg,
                                        list(measure = "RR", method = "MH", model = "fixed", subgroup = "alloc"))
cases[[length(cases) + 1]] <- make_case("bcg-rr-sensitivity", "dat.bcg", "RR REML leave-one-out, cumulative by year, bias",
                                        bcg, list(measure = "RR", leaveOneOut = TRUE, cumulative = TRUE, bias = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-or-dl-sensitivity", "dat.bcg", "OR DL leave-one-out, cumulative, bias",
                                        bcg, list(measure = "OR", tau2 = "DL", leaveOneOut = TRUE, cumulative = TRUE, bias = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-or-fixed-bias", "dat.bcg", "OR fixed, cumulative, bias", bcg,
                                        list(measure = "OR", model = "fixed", cumulative = TRUE, bias = TRUE))
cases[[length(cases) + 1]] <- make_case("bcg-revman5-or-fixed", "dat.bcg", "RevMan 5: MH OR fixed", bcg,
                                        list(measure = "OR", model = "fixed", preset = "revman5"))
cases[[length(cases) + 1]] <- make_case("bcg-revman5-rr-random", "dat.bcg", "RevMan 5: RR random (DL with MH Q)", bcg,
                                        list(measure = "RR", model = "random", preset = "revman5"))
cases[[length(cases) + 1]] <- make_case("bcg-revman5-or-auto", "dat.bcg", "RevMan 5: OR auto (I2 >= 50% -> random)",
                                        bcg, list(measure = "OR", model = "auto", preset = "revman5"))
cases[[length(cases) + 1]] <- make_case("bcg-revman5-rr-subgroups", "dat.bcg", "RevMan 5: RR random by allocation",
                                        bcg, list(measure = "RR", model = "random", preset = "revman5", subgroup = "alloc"))
write_cases("bcg", cases)

# Collins 1985a (diuretics in pregnancy, pre-eclampsia by any definition; trials with counts only).
d <- dat.collins1985a
d <- d[!is.na(d$b.xti) & !is.na(d$b.xci), ]
col <- binary_rows(d$trial, d$b.xti, d$nti, d$b.xci, d$nci, d$year)
write_cases("collins1985a", list(
  make_case("collins-or-reml", "dat.collins1985a", "OR REML", col, list(measure = "OR")),
  make_case("collins-or-mh", "dat.collins1985a", "OR MH", col, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("collins-peto", "dat.collins1985a", "Peto OR", col, list(method = "PETO", model = "fixed")),
  make_case("collins-rr-pm-bias", "dat.collins1985a", "RR PM with bias tests", col, list(measure = "RR", tau2 = "PM", bias = TRUE))
))

# Egger 2001 (magnesium in myocardial infarction; one zero cell).
d <- dat.egger2001
egg <- binary_rows(d$study, d$ai, d$n1i, d$ci, d$n2i, d$year)
write_cases("egger2001", list(
  make_case("egger-or-reml-bias", "dat.egger2001", "OR REML, bias tests, leave-one-out", egg,
            list(measure = "OR", bias = TRUE, leaveOneOut = TRUE)),
  make_case("egger-or-fixed-bias", "dat.egger2001", "OR fixed, bias tests", egg, list(measure = "OR", model = "fixed", bias = TRUE)),
  make_case("egger-peto", "dat.egger2001", "Peto OR", egg, list(method = "PETO", model = "fixed")),
  make_case("egger-or-mh-cumulative", "dat.egger2001", "OR MH cumulative by year", egg,
            list(measure = "OR", method = "MH", model = "fixed", cumulative = TRUE))
))

# Yusuf 1985 (beta blockers), table 6.
d <- dat.yusuf1985[dat.yusuf1985$table == "6" & !is.na(dat.yusuf1985$ai), ]
yus <- binary_rows(d$trial, d$ai, d$n1i, d$ci, d$n2i)
write_cases("yusuf1985", list(
  make_case("yusuf-peto", "dat.yusuf1985", "Peto OR (table 6)", yus, list(method = "PETO", model = "fixed")),
  make_case("yusuf-or-mh", "dat.yusuf1985", "OR MH (table 6)", yus, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("yusuf-or-ml", "dat.yusuf1985", "OR ML (table 6)", yus, list(measure = "OR", tau2 = "ML"))
))

# Nielweise 2007 (catheter infections; single zeros and one double-zero study).
d <- dat.nielweise2007
nie <- binary_rows(d$author, d$ai, d$n1i, d$ci, d$n2i, d$year)
write_cases("nielweise2007", list(
  make_case("nielweise-or-reml", "dat.nielweise2007", "OR REML; double zero left out", nie, list(measure = "OR", leaveOneOut = TRUE)),
  make_case("nielweise-rr-dl", "dat.nielweise2007", "RR DL; double zero left out", nie, list(measure = "RR", tau2 = "DL")),
  make_case("nielweise-rd-reml", "dat.nielweise2007", "RD REML; double zero kept", nie, list(measure = "RD")),
  make_case("nielweise-rd-fixed", "dat.nielweise2007", "RD fixed; double zero kept", nie, list(measure = "RD", model = "fixed")),
  make_case("nielweise-or-mh", "dat.nielweise2007", "OR MH", nie, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("nielweise-rr-mh", "dat.nielweise2007", "RR MH", nie, list(measure = "RR", method = "MH", model = "fixed")),
  make_case("nielweise-rd-mh", "dat.nielweise2007", "RD MH; double zero in the MH estimate, out of QE (rma.mh drop00)", nie, list(measure = "RD", method = "MH", model = "fixed")),
  make_case("nielweise-peto", "dat.nielweise2007", "Peto OR", nie, list(method = "PETO", model = "fixed")),
  make_case("nielweise-revman5-or-fixed", "dat.nielweise2007", "RevMan 5: MH OR with 0.5 inside MH", nie,
            list(measure = "OR", model = "fixed", preset = "revman5")),
  make_case("nielweise-revman5-rr-random", "dat.nielweise2007", "RevMan 5: RR random (DL with MH Q)", nie,
            list(measure = "RR", model = "random", preset = "revman5"))
))

# Li 2007 (magnesium, 22 trials, zeros).
d <- dat.li2007
li <- binary_rows(d$study, d$ai, d$n1i, d$ci, d$n2i, d$year)
write_cases("li2007", list(
  make_case("li-or-dl", "dat.li2007", "OR DL", li, list(measure = "OR", tau2 = "DL")),
  make_case("li-or-mh", "dat.li2007", "OR MH", li, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("li-rr-pm", "dat.li2007", "RR PM", li, list(measure = "RR", tau2 = "PM")),
  make_case("li-or-reml-bias", "dat.li2007", "OR REML bias, cumulative", li, list(measure = "OR", bias = TRUE, cumulative = TRUE))
))

# Lee 2004 (acupoint stimulation, nausea).
d <- dat.lee2004
lee <- binary_rows(d$study, d$ai, d$n1i, d$ci, d$n2i, d$year)
write_cases("lee2004", list(
  make_case("lee-or-reml-knha", "dat.lee2004", "OR REML Knapp-Hartung", lee, list(measure = "OR", test = "knha")),
  make_case("lee-rr-ml", "dat.lee2004", "RR ML", lee, list(measure = "RR", tau2 = "ML")),
  make_case("lee-rr-revman5-auto", "dat.lee2004", "RevMan 5: RR auto", lee, list(measure = "RR", model = "auto", preset = "revman5")),
  make_case("lee-rr-auto", "dat.lee2004", "RR IV auto (I2 rule)", lee, list(measure = "RR", model = "auto"))
))

# Hine 1989 (lidocaine, mortality): risk differences.
d <- dat.hine1989
hin <- binary_rows(d$source, d$ai, d$n1i, d$ci, d$n2i)
write_cases("hine1989", list(
  make_case("hine-rd-fixed", "dat.hine1989", "RD fixed", hin, list(measure = "RD", model = "fixed")),
  make_case("hine-rd-reml", "dat.hine1989", "RD REML", hin, list(measure = "RD")),
  make_case("hine-rd-mh", "dat.hine1989", "RD MH", hin, list(measure = "RD", method = "MH", model = "fixed")),
  make_case("hine-rd-he-knha", "dat.hine1989", "RD HE Knapp-Hartung", hin, list(measure = "RD", tau2 = "HE", test = "knha"))
))

# Laopaiboon 2015 (azithromycin), estimators EB, SJ, HE on RR.
d <- dat.laopaiboon2015
lao <- binary_rows(d$author, d$ai, d$n1i, d$ci, d$n2i, d$year)
write_cases("laopaiboon2015", list(
  make_case("laopaiboon-rr-eb", "dat.laopaiboon2015", "RR EB", lao, list(measure = "RR", tau2 = "EB")),
  make_case("laopaiboon-rr-sj", "dat.laopaiboon2015", "RR SJ", lao, list(measure = "RR", tau2 = "SJ")),
  make_case("laopaiboon-rr-he", "dat.laopaiboon2015", "RR HE", lao, list(measure = "RR", tau2 = "HE")),
  make_case("laopaiboon-rr-mh", "dat.laopaiboon2015", "RR MH", lao, list(measure = "RR", method = "MH", model = "fixed"))
))

# Axfors 2021 (hydroxychloroquine in COVID-19): many double-zero trials.
d <- dat.axfors2021
axf <- binary_rows(d$acronym, d$hcq_arm_event, d$hcq_arm_total, d$control_arm_event, d$control_arm_total)
write_cases("axfors2021", list(
  make_case("axfors-or-reml", "dat.axfors2021", "OR REML; 15 double-zero trials left out", axf, list(measure = "OR")),
  make_case("axfors-rd-dl", "dat.axfors2021", "RD DL; double zeros kept", axf, list(measure = "RD", tau2 = "DL")),
  make_case("axfors-or-mh", "dat.axfors2021", "OR MH", axf, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("axfors-peto", "dat.axfors2021", "Peto OR", axf, list(method = "PETO", model = "fixed"))
))

# Hart 1999 (warfarin vs control/aspirin, stroke): events per patients as 2x2.
d <- dat.hart1999
har <- binary_rows(d$study, d$x1i, d$n1i, d$x2i, d$n2i, d$year, d$compgrp)
write_cases("hart1999", list(
  make_case("hart-or-dl", "dat.hart1999", "OR DL", har, list(measure = "OR", tau2 = "DL")),
  make_case("hart-or-fixed-subgroups", "dat.hart1999", "OR fixed by comparison group", har,
            list(measure = "OR", model = "fixed", subgroup = "compgrp"))
))

# Normand 1999 (length of stay, stroke units): MD and SMD.
d <- dat.normand1999
nor <- continuous_rows(d$source, d$m1i, d$sd1i, d$n1i, d$m2i, d$sd2i, d$n2i)
write_cases("normand1999", list(
  make_case("normand-md-reml", "dat.normand1999", "MD REML", nor, list(measure = "MD", leaveOneOut = TRUE)),
  make_case("normand-md-dl", "dat.normand1999", "MD DL", nor, list(measure = "MD", tau2 = "DL")),
  make_case("normand-md-fixed", "dat.normand1999", "MD fixed", nor, list(measure = "MD", model = "fixed")),
  make_case("normand-md-reml-knha", "dat.normand1999", "MD REML Knapp-Hartung", nor, list(measure = "MD", test = "knha")),
  make_case("normand-smd-reml-knha-sensitivity", "dat.normand1999", "SMD REML Knapp-Hartung, leave-one-out, cumulative",
            nor, list(measure = "SMD", test = "knha", leaveOneOut = TRUE, cumulative = TRUE)),
  make_case("normand-smd-reml", "dat.normand1999", "SMD (exact Hedges g) REML", nor, list(measure = "SMD")),
  make_case("normand-smd-sj", "dat.normand1999", "SMD SJ", nor, list(measure = "SMD", tau2 = "SJ")),
  make_case("normand-smd-approx-dl", "dat.normand1999", "SMD with RevMan's approximate correction, DL", nor,
            list(measure = "SMD", tau2 = "DL", smdCorrection = "approx")),
  make_case("normand-smd-revman5", "dat.normand1999", "RevMan 5: SMD random (approx correction, DL)", nor,
            list(measure = "SMD", model = "random", preset = "revman5", smdCorrection = "approx"))
))

# Normand 1999: every estimator for MD and SMD as well.
nor_cases <- list()
for (m in c("MD", "SMD")) for (t in setdiff(estimators, if (m == "MD") c("REML", "DL") else c("REML", "SJ"))) {
  nor_cases[[length(nor_cases) + 1]] <- make_case(sprintf("normand-%s-%s", tolower(m), tolower(t)), "dat.normand1999",
                                                  paste(m, t), nor, list(measure = m, tau2 = t))
}
write_cases("normand1999-estimators", nor_cases)

# Curtis 1998 (CO2 and plant mass): SMD with subgroups by functional group, bias tests.
d <- dat.curtis1998
cur <- continuous_rows(paste0(d$paper, "-", d$id), d$m1i, d$sd1i, d$n1i, d$m2i, d$sd2i, d$n2i, group = d$fungrp)
write_cases("curtis1998", list(
  make_case("curtis-smd-reml-subgroups", "dat.curtis1998", "SMD REML by functional group, bias", cur,
            list(measure = "SMD", subgroup = "fungrp", bias = TRUE)),
  make_case("curtis-smd-dl-knha", "dat.curtis1998", "SMD DL Knapp-Hartung", cur, list(measure = "SMD", tau2 = "DL", test = "knha")),
  make_case("curtis-smd-ml", "dat.curtis1998", "SMD ML", cur, list(measure = "SMD", tau2 = "ML"))
))

# Molloy 2014 (conscientiousness and adherence): Fisher z from escalc ZCOR, then generic.
d <- escalc("ZCOR", ri = dat.molloy2014$ri, ni = dat.molloy2014$ni)
mol <- generic_rows(paste(dat.molloy2014$authors, dat.molloy2014$year), d$yi, d$vi, dat.molloy2014$year,
                    dat.molloy2014$design)
write_cases("molloy2014", list(
  make_case("molloy-gen-reml", "dat.molloy2014", "Generic (ZCOR) REML, subgroups by design, bias, leave-one-out",
            mol, list(measure = "GEN", subgroup = "design", bias = TRUE, leaveOneOut = TRUE)),
  make_case("molloy-gen-dl-cumulative", "dat.molloy2014", "Generic DL cumulative by year", mol,
            list(measure = "GEN", tau2 = "DL", cumulative = TRUE)),
  make_case("molloy-gen-fixed", "dat.molloy2014", "Generic fixed", mol, list(measure = "GEN", model = "fixed"))
))

# Raudenbush 1985 (teacher expectancy): generic yi/vi, all estimators, KnHa, bias.
d <- dat.raudenbush1985
rau <- generic_rows(paste(d$author, d$year), d$yi, d$vi, d$year, ifelse(d$weeks > 1, "more than 1 week", "1 week or less"))
cases <- lapply(estimators, function(t) make_case(paste0("raudenbush-gen-", tolower(t)), "dat.raudenbush1985",
                                                   paste("Generic", t), rau, list(measure = "GEN", tau2 = t)))
cases[[length(cases) + 1]] <- make_case("raudenbush-gen-reml-knha", "dat.raudenbush1985", "Generic REML Knapp-Hartung",
                                        rau, list(measure = "GEN", test = "knha"))
cases[[length(cases) + 1]] <- make_case("raudenbush-gen-reml-all", "dat.raudenbush1985",
                                        "Generic REML subgroups by prior contact, leave-one-out, cumulative, bias", rau,
                                        list(measure = "GEN", subgroup = "weeks", leaveOneOut = TRUE, cumulative = TRUE, bias = TRUE))
write_cases("raudenbush1985", cases)

# Bangert-Drowns 2004 (writing-to-learn): generic, subgroups by grade level.
d <- dat.bangertdrowns2004
ban <- generic_rows(paste(d$author, d$year), d$yi, d$vi, d$year, paste("grade", d$grade))
write_cases("bangertdrowns2004", list(
  make_case("bangert-gen-reml-subgroups", "dat.bangertdrowns2004", "Generic REML by grade, bias", ban,
            list(measure = "GEN", subgroup = "grade", bias = TRUE)),
  make_case("bangert-gen-he", "dat.bangertdrowns2004", "Generic HE", ban, list(measure = "GEN", tau2 = "HE")),
  make_case("bangert-gen-eb-knha", "dat.bangertdrowns2004", "Generic EB Knapp-Hartung", ban,
            list(measure = "GEN", tau2 = "EB", test = "knha")),
  make_case("bangert-gen-sj-subgroups", "dat.bangertdrowns2004", "Generic SJ by grade", ban,
            list(measure = "GEN", tau2 = "SJ", subgroup = "grade"))
))

# Synthetic zero-cell patterns: no events in either arm, all events in both arms (also "double zero" for OR and
# RR: the non-event cells are both 0), a single zero cell, a full arm, and ordinary tables.
zc <- binary_rows(c("none-none", "all-all", "zero-one-arm", "full-one-arm", "ordinary-1", "ordinary-2", "ordinary-3"),
                  c(0, 10, 0, 5, 2, 4, 7), c(10, 10, 15, 5, 20, 30, 25), c(0, 12, 3, 3, 5, 6, 9), c(12, 12, 14, 8, 20, 31, 26),
                  year = c(2001, 2002, 2003, 2004, 2005, 2006, 2007))
write_cases("zero-cells", list(
  make_case("zero-or-reml", "synthetic", "OR REML: both kinds of double zero left out", zc, list(measure = "OR", leaveOneOut = TRUE)),
  make_case("zero-rr-dl", "synthetic", "RR DL", zc, list(measure = "RR", tau2 = "DL", cumulative = TRUE)),
  make_case("zero-rd-reml", "synthetic", "RD REML: double zeros kept", zc, list(measure = "RD")),
  make_case("zero-or-mh", "synthetic", "OR MH", zc, list(measure = "OR", method = "MH", model = "fixed")),
  make_case("zero-rr-mh", "synthetic", "RR MH", zc, list(measure = "RR", method = "MH", model = "fixed")),
  make_case("zero-rd-mh", "synthetic", "RD MH: double zeros in the MH estimate, out of QE (rma.mh drop00)", zc, list(measure = "RD", method = "MH", model = "fixed")),
  make_case("zero-peto", "synthetic", "Peto OR", zc, list(method = "PETO", model = "fixed")),
  make_case("zero-revman5-or", "synthetic", "RevMan 5: OR MH fixed with 0.5 inside MH", zc,
            list(measure = "OR", model = "fixed", preset = "revman5")),
  make_case("zero-revman5-rr-random", "synthetic", "RevMan 5: RR random", zc,
            list(measure = "RR", model = "random", preset = "revman5"))
))

# Published-style input: BCG risk ratios given only as estimate and 95% CI rounded to 2 decimals; yi and vi are
# back-calculated (yi = log RR, se = (log upper - log lower) / (2 z)). The rows keep the printed numbers
# (estimate, ci_lb, ci_ub) beside yi and vi so the CLI test can feed the printed form.
es <- escalc("RR", ai = bcg$events_t, n1i = bcg$total_t, ci = bcg$events_c, n2i = bcg$total_c)
printed <- data.frame(estimate = round(exp(es$yi), 2), ci_lb = round(exp(es$yi - qnorm(0.975) * sqrt(es$vi)), 2),
                      ci_ub = round(exp(es$yi + qnorm(0.975) * sqrt(es$vi)), 2))
back <- generic_rows(bcg$study, log(printed$estimate),
                     ((log(printed$ci_ub) - log(printed$ci_lb)) / (2 * qnorm(0.975)))^2, bcg$year)
back <- cbind(back, printed)
write_cases("bcg-interval", list(
  make_case("bcg-interval-rr-reml", "dat.bcg", "RR from printed estimates and 95% CIs, REML", back, list(measure = "RR")),
  make_case("bcg-interval-rr-fixed", "dat.bcg", "RR from printed estimates and 95% CIs, fixed", back,
            list(measure = "RR", model = "fixed"))
))

# Tacrolimus RCT (shared/sources/002): 60/75 vs 47/74 healthy newborns. One 2x2 table: the single-trial statistics
# (OR with Wald CI, Pearson chi-square with and without Yates, Fisher's exact test) for the trial2x2 code.
tab <- matrix(c(60, 75 - 60, 47, 74 - 47), nrow = 2, byrow = TRUE)
es <- escalc("OR", ai = 60, n1i = 75, ci = 47, n2i = 74)
rr <- escalc("RR", ai = 60, n1i = 75, ci = 47, n2i = 74)
rd <- escalc("RD", ai = 60, n1i = 75, ci = 47, n2i = 74)
wald <- function(e) list(yi = as.numeric(e$yi), vi = as.numeric(e$vi),
                         ci_lb = as.numeric(e$yi) - qnorm(0.975) * sqrt(as.numeric(e$vi)),
                         ci_ub = as.numeric(e$yi) + qnorm(0.975) * sqrt(as.numeric(e$vi)))
fi <- fisher.test(tab)
# fisher.test solves for the conditional MLE and its exact limits with uniroot's default tolerance (~1e-4), so its
# figures are good to about 5 digits only. The same equations solved to 1e-13 (fisher.test's own method):
cond_or <- local({
  m <- sum(tab[, 1]); n <- sum(tab[, 2]); k <- sum(tab[1, ]); x <- tab[1, 1]
  support <- max(0, k - n):min(k, m)
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dn <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mn <- function(ncp) sum(support * dn(ncp))
  pn <- function(q, ncp, upper) { d <- dn(ncp); if (upper) sum(d[support >= q]) else sum(d[support <= q]) }
  tol <- 1e-13
  mle <- if (mn(1) > x) uniroot(function(t) mn(t) - x, c(1e-10, 1), tol = tol)$root
         else 1 / uniroot(function(t) mn(1 / t) - x, c(1e-10, 1), tol = tol)$root
  alpha <- 0.025
  f_u <- function(t) pn(x, t, FALSE) - alpha
  upper <- if (f_u(1) < 0) uniroot(f_u, c(1e-10, 1), tol = tol)$root else 1 / uniroot(function(t) f_u(1 / t), c(1e-10, 1), tol = tol)$root
  f_l <- function(t) pn(x, t, TRUE) - alpha
  lower <- if (f_l(1) < 0) 1 / uniroot(function(t) f_l(1 / t), c(1e-10, 1), tol = tol)$root else uniroot(f_l, c(1e-10, 1), tol = tol)$root
  list(estimate = mle, ci = c(lower, upper))
})
tac <- list(
  id = "tacrolimus-2x2", source = "shared/sources/002 (tacrolimus RCT): 60/75 vs 47/74 healthy newborns",
  reference = paste("R", R.version.string, "stats + metafor", as.character(packageVersion("metafor"))),
  table = list(events_t = 60, total_t = 75, events_c = 47, total_c = 74),
  expected = list(
    or = c(wald(es), list(estimate = exp(as.numeric(es$yi)), estimate_ci = exp(c(wald(es)$ci_lb, wald(es)$ci_ub)))),
    rr = c(wald(rr), list(estimate = exp(as.numeric(rr$yi)))),
    rd = wald(rd),
    pearson = list(statistic = unname(chisq.test(tab, correct = FALSE)$statistic), pval = chisq.test(tab, correct = FALSE)$p.value),
    yates = list(statistic = unname(chisq.test(tab, correct = TRUE)$statistic), pval = chisq.test(tab, correct = TRUE)$p.value),
    fisher = list(pval = fi$p.value, conditional_or = cond_or$estimate, conditional_or_ci = cond_or$ci,
                  fisher_test_printed = list(conditional_or = unname(fi$estimate), conditional_or_ci = as.numeric(fi$conf.int)))
  )
)
writeLines(toJSON(tac, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(out_dir, "tacrolimus.json"))
cat("fixtures/metafor/tacrolimus.json\n")
