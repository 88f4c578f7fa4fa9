# Reference values for the methods beyond pooling, computed with R metafor (3.8.1 in Debian):
# meta-regression (rma with mods, permutest), influence() and baujat(), gosh(), fsn(), confint(type = "PL"), the
# HS, HSk and PMM estimators, and the defaults of issue 14 (MH/Peto and revman5 fixed effect, revman-web, trim-and-fill
# under Knapp-Hartung with k0 = 0, k = 1).
#
#   Rscript scripts/metafor-methods-fixtures.R     (from the repository root; writes fixtures/metafor-methods/*.json)
#
# Each file is an array of cases { id, dataset, description, reference, rows, options, expected }. `options` are the
# engine's MetaOptions as given (anything not given is the engine's default); `expected` uses the field names of the
# JSON contract (src/stats/types.ts) and holds only what R computed. test/stats/fixtures/methods.test.ts runs each.
#
# Notes on what is compared:
# - baujat(): metafor returns the plotted coordinates invisibly (x, y), compared as baujat[].x/y.
# - gosh(): only exact cases (k <= 15: every subset, metafor's order) are compared; random subsets use R's RNG.
# - permutest(): only exact cases (the distinct permutations are no more than `iter`) are compared.
# - confint(type = "PL"): metafor 3.8.1 offers the profile-likelihood CI for tau² directly (no need for profile()).

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

out_dir <- file.path("fixtures", "metafor-methods")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
ref <- paste("R metafor", as.character(packageVersion("metafor")))

num <- function(x) { x <- as.numeric(x); if (length(x) != 1 || is.na(x) || !is.finite(x)) NULL else x }
compact <- function(l) l[!vapply(l, is.null, logical(1))]
pair <- function(a, b) { a <- num(a); b <- num(b); if (is.null(a) || is.null(b)) NULL else c(a, b) }

write_cases <- function(name, cases) {
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE), path)
  cat(sprintf("%-44s %3d cases\n", path, length(cases)))
}

# ---------------------------------------------------------------------------------------------------------------
# Datasets as Decidua rows (binary counts or yi/vi), with moderator columns
# ---------------------------------------------------------------------------------------------------------------
d <- dat.bcg
bcg <- data.frame(study = paste(d$author, d$year), events_t = d$tpos, total_t = d$tpos + d$tneg,
                  events_c = d$cpos, total_c = d$cpos + d$cneg, year = d$year, ablat = d$ablat,
                  alloc = as.character(d$alloc), stringsAsFactors = FALSE)
es_bcg <- escalc("RR", ai = bcg$events_t, n1i = bcg$total_t, ci = bcg$events_c, n2i = bcg$total_c)

d <- dat.bangertdrowns2004
d <- d[!is.na(d$yi) & !is.na(d$vi) & !is.na(d$length) & !is.na(d$grade), ]
ban <- data.frame(study = paste(d$author, d$year, d$id), yi = d$yi, vi = d$vi, length = d$length,
                  grade = paste0("g", d$grade), stringsAsFactors = FALSE)

d <- dat.normand1999
nor <- data.frame(study = as.character(d$source), mean_t = d$m1i, sd_t = d$sd1i, total_t = d$n1i,
                  mean_c = d$m2i, sd_c = d$sd2i, total_c = d$n2i, stringsAsFactors = FALSE)
es_nor <- escalc("MD", m1i = nor$mean_t, sd1i = nor$sd_t, n1i = nor$total_t, m2i = nor$mean_c, sd2i = nor$sd_c, n2i = nor$total_c)

d <- dat.hackshaw1998
hac <- data.frame(study = paste(d$author, d$year), yi = d$yi, vi = d$vi, year = d$year, stringsAsFactors = FALSE)

# ---------------------------------------------------------------------------------------------------------------
# Pieces of the expected result
# ---------------------------------------------------------------------------------------------------------------
pooled_of <- function(fit, ratio) {
  pr <- predict(fit)
  p <- compact(list(estimate = num(fit$beta), se = num(fit$se), zval = num(fit$zval), pval = num(fit$pval),
                    ci_lb = num(fit$ci.lb), ci_ub = num(fit$ci.ub), pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub)))
  if (ratio) p$transformed <- list(estimate = exp(p$estimate), ci_lb = exp(p$ci_lb), ci_ub = exp(p$ci_ub))
  p
}
het_of <- function(fit, random) {
  h <- compact(list(tau2 = num(fit$tau2), QE = num(fit$QE), QE_df = fit$k - fit$p, QE_pval = num(fit$QEp),
                    I2 = num(fit$I2), H2 = num(fit$H2)))
  if (random) {
    h$tau2_se <- num(fit$se.tau2)
    ci <- confint(fit)$random
    h$tau2_ci <- pair(ci["tau^2", "ci.lb"], ci["tau^2", "ci.ub"])
    h$I2_ci <- pair(ci["I^2(%)", "ci.lb"], ci["I^2(%)", "ci.ub"])
  }
  h
}
metareg_of <- function(fit) {
  cf <- lapply(seq_len(fit$p), function(j) list(name = rownames(fit$beta)[j], estimate = num(fit$beta[j]),
    se = num(fit$se[j]), zval = num(fit$zval[j]), pval = num(fit$pval[j]), ci_lb = num(fit$ci.lb[j]), ci_ub = num(fit$ci.ub[j])))
  compact(list(k = fit$k, tau2 = num(fit$tau2), tau2_se = num(fit$se.tau2), coefficients = cf, QM = num(fit$QM),
               QM_df = fit$QMdf[1], QM_df2 = if (is.na(fit$QMdf[2])) NULL else fit$QMdf[2], QM_pval = num(fit$QMp),
               QE = num(fit$QE), QE_df = fit$k - fit$p, QE_pval = num(fit$QEp), R2 = num(fit$R2), I2 = num(fit$I2),
               H2 = num(fit$H2)))
}
# influence(): a deletion refit that metafor cannot fit is NA, written as null (Decidua's JSON writes NA as null)
influence_of <- function(fit, slab) {
  inf <- influence(fit)
  dfb <- do.call(cbind, unclass(inf$dfbs)[seq_len(fit$p)])
  # NA as null; an infinite value (a deletion with s²w = 0) as the string "Inf" / "-Inf", as Decidua's JSON writes it
  na <- function(x) { x <- as.numeric(x); if (is.na(x)) NA else if (is.infinite(x)) (if (x > 0) "Inf" else "-Inf") else x }
  lapply(seq_len(fit$k), function(i) list(
    study = slab[i], rstudent = na(inf$inf$rstudent[i]), dffits = na(inf$inf$dffits[i]), cook_d = na(inf$inf$cook.d[i]),
    cov_r = na(inf$inf$cov.r[i]), tau2_del = na(inf$inf$tau2.del[i]), QE_del = na(inf$inf$QE.del[i]),
    hat = na(inf$inf$hat[i]), weight = na(inf$inf$weight[i]), dfbetas = I(lapply(as.numeric(dfb[i, ]), na)), inf = as.logical(inf$is.infl[i])))
}
baujat_of <- function(fit, slab) {
  pdf(NULL); b <- baujat(fit); invisible(dev.off())
  lapply(seq_len(fit$k), function(i) list(study = slab[i], x = b$x[i], y = b$y[i]))
}

case <- function(id, dataset, description, rows, options, expected) {
  list(id = id, dataset = dataset, description = description, reference = ref, rows = rows, options = options,
       expected = expected)
}

# ---------------------------------------------------------------------------------------------------------------
# Meta-regression
# ---------------------------------------------------------------------------------------------------------------
mr_cases <- list()
add_mr <- function(id, dataset, description, rows, yi, vi, mods_formula, mods, method, test = "z", measure, perm = NULL, data, bias = FALSE) {
  fit <- rma(yi, vi, mods = mods_formula, data = data, method = method, test = test)
  exp <- list(k = fit$k, meta_regression = metareg_of(fit))
  opts <- list(measure = measure, mods = I(mods), test = test)
  if (bias) {
    # regtest on a meta-regression: yi ~ mods + sei by lm (the sei coefficient's t on k - p - 1 df, no limit
    # estimate); ranktest reads the estimates whatever the model; trimfill refuses a model with moderators
    eg <- regtest(fit, model = "lm")
    cf <- coef(summary(eg$fit))
    rk <- suppressWarnings(ranktest(fit))
    exp$bias <- list(egger = list(statistic = num(eg$zval), df = num(eg$dfs), pval = num(eg$pval),
                                  intercept = num(cf["Xsei", 1]), intercept_se = num(cf["Xsei", 2])),
                     begg = list(tau = num(rk$tau), pval = num(rk$pval)))
    opts$bias <- TRUE
  }
  if (method == "FE") opts$model <- "fixed" else opts$tau2 <- method
  if (!is.null(perm)) {
    pt <- permutest(fit, iter = perm, progbar = FALSE)
    if (pt$exact.iter > perm) stop("permutation case must be exact: ", id)
    exp$meta_regression$permutation <- list(exact = TRUE, iterations = pt$exact.iter, QM_pval = num(pt$QMp), pval = as.numeric(pt$pval))
    opts$permutations <- perm
  }
  mr_cases[[length(mr_cases) + 1]] <<- case(id, dataset, description, rows, opts, exp)
}
dd <- cbind(bcg, yi = as.numeric(es_bcg$yi), vi = as.numeric(es_bcg$vi))
for (m in c("REML", "DL", "ML", "PM", "HE", "SJ", "EB", "HS", "HSk", "PMM", "FE")) {
  add_mr(paste0("bcg-rr-ablat-", tolower(m)), "dat.bcg", paste("RR ~ absolute latitude,", m), bcg, dd$yi, dd$vi,
         ~ ablat, "ablat", m, measure = "RR", data = dd)
}
add_mr("bcg-rr-ablat-reml-knha", "dat.bcg", "RR ~ ablat, REML, Knapp-Hartung", bcg, dd$yi, dd$vi, ~ ablat, "ablat", "REML", "knha", "RR", data = dd)
add_mr("bcg-rr-alloc-reml", "dat.bcg", "RR ~ allocation (categorical), REML", bcg, dd$yi, dd$vi, ~ alloc, "alloc", "REML", measure = "RR", data = dd)
add_mr("bcg-rr-ablat-year-reml", "dat.bcg", "RR ~ ablat + year, REML", bcg, dd$yi, dd$vi, ~ ablat + year, c("ablat", "year"), "REML", measure = "RR", data = dd)
add_mr("bcg-rr-ablat-alloc-dl-knha", "dat.bcg", "RR ~ ablat + alloc, DL, Knapp-Hartung", bcg, dd$yi, dd$vi, ~ ablat + alloc, c("ablat", "alloc"), "DL", "knha", "RR", data = dd)
add_mr("bangert-length-grade-reml", "dat.bangertdrowns2004", "generic ~ length + grade, REML", ban, ban$yi, ban$vi, ~ length + grade, c("length", "grade"), "REML", measure = "GEN", data = ban)
# small-study tests of a meta-regression (--bias with --mods): Egger's regression with the moderators
add_mr("bcg-rr-ablat-reml-bias", "dat.bcg", "RR ~ ablat, REML, Egger's test with the moderator", bcg, dd$yi, dd$vi, ~ ablat, "ablat", "REML", measure = "RR", data = dd, bias = TRUE)
add_mr("bcg-rr-alloc-dl-knha-bias", "dat.bcg", "RR ~ allocation (categorical), DL, Knapp-Hartung, Egger's test with the moderator", bcg, dd$yi, dd$vi, ~ alloc, "alloc", "DL", "knha", "RR", data = dd, bias = TRUE)
add_mr("bangert-length-grade-reml-bias", "dat.bangertdrowns2004", "generic ~ length + grade, REML, Egger's test with both moderators", ban, ban$yi, ban$vi, ~ length + grade, c("length", "grade"), "REML", measure = "GEN", data = ban, bias = TRUE)
# exact permutation tests: 6 studies with distinct latitudes (720 permutations), 8 studies by allocation
b6 <- bcg[1:6, ]; d6 <- dd[1:6, ]
add_mr("bcg6-rr-ablat-perm", "dat.bcg (first 6)", "RR ~ ablat, REML, exact permutation test", b6, d6$yi, d6$vi, ~ ablat, "ablat", "REML", measure = "RR", perm = 1000, data = d6)
b8 <- bcg[c(1, 2, 3, 4, 7, 8, 9, 10), ]; d8 <- dd[c(1, 2, 3, 4, 7, 8, 9, 10), ]
add_mr("bcg8-rr-alloc-perm-knha", "dat.bcg (8 trials)", "RR ~ allocation, DL, Knapp-Hartung, exact permutation test", b8, d8$yi, d8$vi, ~ alloc, "alloc", "DL", "knha", "RR", perm = 1000, data = d8)
# a fixed-effect model with k = p fits (QE 0 on 0 df, its p-value 1), as rma.uni
add_mr("bcg2-rr-ablat-fe", "dat.bcg (first 2)", "RR ~ ablat, fixed effect, k = p", bcg[1:2, ], dd$yi[1:2], dd$vi[1:2], ~ ablat, "ablat", "FE", measure = "RR", data = dd[1:2, ])
write_cases("meta-regression", mr_cases)

# ---------------------------------------------------------------------------------------------------------------
# Influence, Baujat, GOSH, fail-safe N, profile-likelihood CI, HS/HSk/PMM
# ---------------------------------------------------------------------------------------------------------------
inf_cases <- list()
add_inf <- function(id, dataset, description, rows, yi, vi, slab, method, test = "z", measure, mods_formula = NULL, mods = NULL, data = NULL) {
  fit <- if (is.null(mods_formula)) rma(yi, vi, method = method, test = test) else rma(yi, vi, mods = mods_formula, data = data, method = method, test = test)
  opts <- list(measure = measure, influence = TRUE, test = test)
  if (!is.null(mods)) opts$mods <- I(mods)
  if (method == "FE") opts$model <- "fixed" else opts$tau2 <- method
  # baujat() cannot draw a plot whose every y is NA (k = p + 1): then only influence() is compared
  bj <- tryCatch(baujat_of(fit, slab), error = function(e) { invisible(dev.off()); NULL })
  inf_cases[[length(inf_cases) + 1]] <<- case(id, dataset, description, rows, opts,
    compact(list(influence = influence_of(fit, slab), baujat = bj)))
}
add_inf("bcg-rr-reml-influence", "dat.bcg", "RR REML influence and Baujat", bcg, dd$yi, dd$vi, bcg$study, "REML", measure = "RR")
add_inf("bcg-rr-fe-influence", "dat.bcg", "RR fixed effect influence and Baujat", bcg, dd$yi, dd$vi, bcg$study, "FE", measure = "RR")
add_inf("bcg-rr-dl-knha-influence", "dat.bcg", "RR DL Knapp-Hartung influence", bcg, dd$yi, dd$vi, bcg$study, "DL", "knha", "RR")
add_inf("bcg-rr-ablat-reml-influence", "dat.bcg", "RR ~ ablat REML influence", bcg, dd$yi, dd$vi, bcg$study, "REML", measure = "RR", mods_formula = ~ ablat, mods = "ablat", data = dd)
add_inf("hackshaw-reml-influence", "dat.hackshaw1998", "generic log OR REML influence", hac, hac$yi, hac$vi, hac$study, "REML", measure = "GEN")
# k = p + 1: metafor refits every deletion it can (k = 1 with the intercept alone: tau² 0, z test; a fixed-effect
# model with k = p) and reports NA for those it cannot (an estimated tau² with k - 1 = p studies)
b2 <- bcg[1:2, ]; d2 <- dd[1:2, ]; b3 <- bcg[1:3, ]; d3 <- dd[1:3, ]
add_inf("bcg2-rr-reml-influence", "dat.bcg (first 2)", "RR REML influence at k = 2 (deletions fit one study)", b2, d2$yi, d2$vi, b2$study, "REML", measure = "RR")
add_inf("bcg2-rr-dl-knha-influence", "dat.bcg (first 2)", "RR DL Knapp-Hartung influence at k = 2", b2, d2$yi, d2$vi, b2$study, "DL", "knha", "RR")
add_inf("bcg3-rr-ablat-reml-influence", "dat.bcg (first 3)", "RR ~ ablat REML influence at k = p + 1 (every deletion NA)", b3, d3$yi, d3$vi, b3$study, "REML", measure = "RR", mods_formula = ~ ablat, mods = "ablat", data = d3)
add_inf("bcg3-rr-ablat-fe-influence", "dat.bcg (first 3)", "RR ~ ablat fixed-effect influence at k = p + 1 (deletions fit k = p)", b3, d3$yi, d3$vi, b3$study, "FE", measure = "RR", mods_formula = ~ ablat, mods = "ablat", data = d3)
# a deletion that leaves a moderator level without a study: rank-deficient, NA as metafor (its lm drops the
# redundant predictor); with Knapp-Hartung the other deletions have k = p and s²w = 0 (infinite residuals, cov.r 0)
kp1 <- data.frame(study = paste0("S", 1:5), yi = c(0.342763034385346, 0.188822054534718, 0.183960739997261, 0.212246564389312, 0.102823996012208),
                  vi = c(0.118321237398777, 0.172628300450742, 0.129601004661527, 0.189793206646573, 0.115648284682538),
                  x = c(2, 6.9, 9.2, 2.8, 1), g = c("hi", "mid", "mid", "mid", "lo"))
add_inf("kp1-fe-rank-deficient-deletion", "constructed", "yi ~ x + g fixed effect: deleting the only 'hi' study", kp1, kp1$yi, kp1$vi, kp1$study, "FE", measure = "GEN", mods_formula = ~ x + g, mods = c("x", "g"), data = kp1)
add_inf("kp1-fe-knha-rank-deficient-deletion", "constructed", "yi ~ x + g fixed effect, Knapp-Hartung", kp1, kp1$yi, kp1$vi, kp1$study, "FE", "knha", measure = "GEN", mods_formula = ~ x + g, mods = c("x", "g"), data = kp1)
write_cases("influence", inf_cases)

gosh_cases <- list()
add_gosh <- function(id, dataset, description, rows, yi, vi, method, measure) {
  fit <- rma(yi, vi, method = method)
  g <- gosh(fit, progbar = FALSE)
  opts <- list(measure = measure, gosh = TRUE)
  if (method == "FE") opts$model <- "fixed" else opts$tau2 <- method
  gosh_cases[[length(gosh_cases) + 1]] <<- case(id, dataset, description, rows, opts,
    list(gosh = list(exact = TRUE, subsets = nrow(g$res), k = as.integer(g$res$k), estimate = as.numeric(g$res$estimate),
                     I2 = as.numeric(g$res$I2), tau2 = as.numeric(if (is.null(g$res$tau2)) rep(0, nrow(g$res)) else g$res$tau2))))
}
add_gosh("bcg6-rr-reml-gosh", "dat.bcg (first 6)", "GOSH, RR REML, all 63 subsets", b6, d6$yi, d6$vi, "REML", "RR")
add_gosh("bcg8-rr-fe-gosh", "dat.bcg (8 trials)", "GOSH, RR fixed effect, all 255 subsets", b8, d8$yi, d8$vi, "FE", "RR")
write_cases("gosh", gosh_cases)

misc <- list()
fsn_of <- function(yi, vi) {
  r <- fsn(yi, vi, type = "Rosenthal"); o <- fsn(yi, vi, type = "Orwin"); b <- fsn(yi, vi, type = "Rosenberg")
  list(rosenthal = list(fsnum = r$fsnum, alpha = r$alpha, pval = r$pval), orwin = list(fsnum = o$fsnum, target = o$target),
       rosenberg = list(fsnum = b$fsnum, alpha = b$alpha, pval = b$pval))
}
misc[[length(misc) + 1]] <- case("bcg-rr-fsn", "dat.bcg", "fail-safe N (Rosenthal, Orwin, Rosenberg)", bcg, list(measure = "RR", failSafe = TRUE),
                                 list(fail_safe = fsn_of(dd$yi, dd$vi)))
misc[[length(misc) + 1]] <- case("hackshaw-fsn", "dat.hackshaw1998", "fail-safe N", hac, list(measure = "GEN", failSafe = TRUE),
                                 list(fail_safe = fsn_of(hac$yi, hac$vi)))
for (m in c("REML", "ML")) for (ds in c("bcg", "normand", "hackshaw")) {
  if (ds == "bcg") { rows <- bcg; yi <- dd$yi; vi <- dd$vi; meas <- "RR" }
  if (ds == "normand") { rows <- nor; yi <- es_nor$yi; vi <- es_nor$vi; meas <- "MD" }
  if (ds == "hackshaw") { rows <- hac; yi <- hac$yi; vi <- hac$vi; meas <- "GEN" }
  fit <- rma(yi, vi, method = m)
  ci <- confint(fit, type = "PL")$random
  misc[[length(misc) + 1]] <- case(paste0(ds, "-", tolower(m), "-pl"), ds, paste("profile-likelihood CI for tau²,", m), rows,
    list(measure = meas, tau2 = m, profileCi = TRUE),
    list(heterogeneity = list(tau2 = num(fit$tau2), tau2_ci_pl = pair(ci["tau^2", "ci.lb"], ci["tau^2", "ci.ub"]))))
}
for (m in c("HS", "HSk", "PMM")) for (ds in c("bcg", "normand", "hackshaw")) {
  if (ds == "bcg") { rows <- bcg; yi <- dd$yi; vi <- dd$vi; meas <- "RR" }
  if (ds == "normand") { rows <- nor; yi <- es_nor$yi; vi <- es_nor$vi; meas <- "MD" }
  if (ds == "hackshaw") { rows <- hac; yi <- hac$yi; vi <- hac$vi; meas <- "GEN" }
  for (t in c("z", "knha")) {
    fit <- rma(yi, vi, method = m, test = t)
    misc[[length(misc) + 1]] <- case(paste0(ds, "-", tolower(m), "-", t), ds, paste("tau² estimator", m, "test", t), rows,
      list(measure = meas, tau2 = m, test = t),
      list(pooled = pooled_of(fit, meas %in% c("OR", "RR")), heterogeneity = het_of(fit, TRUE)))
  }
}
# one study with a sampling variance far below the others' (a registry beside small trials): the traces of P must not
# cancel (tr(PP) was exactly 0 in floating point and REML never stopped)
extreme <- list(
  list(id = "registry-rd", yi = c(-9.99999999999994e-05, -0.02, 0.00333333333333333, -0.0154761904761905, -0.00999999999999998),
       vi = c(6.63266333333333e-12, 0.003912, 0.00326249074074074, 0.00728068479375877, 0.003259)),
  list(id = "ratio-1e10", yi = c(0.5, -0.2, 0.3, 1.2, 0, 0.8), vi = c(1e-10, 1, 0.5, 2, 0.3, 0.7)),
  list(id = "ratio-1e12", yi = c(0.5, -0.2, 0.3, 1.2, 0, 0.8, 0.1), vi = c(1e-8, 1, 0.5, 2, 0.3, 0.7, 1e4))
)
for (x in extreme) for (m in c("REML", "ML", "DL", "PM")) {
  fit <- suppressWarnings(rma(x$yi, x$vi, method = m))
  rows <- lapply(seq_along(x$yi), function(i) list(study = paste0("S", i), yi = x$yi[i], vi = x$vi[i]))
  misc[[length(misc) + 1]] <- case(paste0("extreme-weights-", x$id, "-", tolower(m)), "constructed", paste("one dominant weight,", m), rows,
    list(measure = "GEN", tau2 = m),
    list(pooled = list(estimate = num(fit$beta), se = num(fit$se)), heterogeneity = compact(list(tau2 = num(fit$tau2), tau2_se = num(fit$se.tau2)))))
}
# Egger and Begg on a Peto analysis: regtest()/ranktest() on rma.peto read its yi/vi, which have 1/2 added to the
# tables with a zero cell (escalc(add = 1/2, to = "only0")), while the pooled estimate and Q use the tables as they are
for (ds in c("damico2009", "hahn2001")) {
  dd0 <- if (ds == "damico2009") dat.damico2009 else dat.hahn2001
  rows <- if (ds == "damico2009") data.frame(study = paste(dd0$study, dd0$year), events_t = dd0$xt, total_t = dd0$nt, events_c = dd0$xc, total_c = dd0$nc, stringsAsFactors = FALSE)
          else data.frame(study = dd0$study, events_t = dd0$ai, total_t = dd0$n1i, events_c = dd0$ci, total_c = dd0$n2i, stringsAsFactors = FALSE)
  pt <- rma.peto(ai = rows$events_t, n1i = rows$total_t, ci = rows$events_c, n2i = rows$total_c)
  eg <- regtest(pt, model = "lm"); rk <- suppressWarnings(ranktest(pt))
  misc[[length(misc) + 1]] <- case(paste0(ds, "-peto-bias"), paste0("dat.", ds), "Peto OR: Egger and Begg on rma.peto's per-study estimates (zero cells)", rows,
    list(method = "PETO", model = "fixed", bias = TRUE),
    list(pooled = list(estimate = num(pt$beta), se = num(pt$se)), heterogeneity = list(QE = num(pt$QE)),
         bias = list(egger = list(statistic = num(eg$zval), pval = num(eg$pval), limit_estimate = num(eg$est)), begg = list(tau = num(rk$tau), pval = num(rk$pval)))))
}
write_cases("estimators-and-diagnostics", misc)

# ---------------------------------------------------------------------------------------------------------------
# Defaults and fixes of issue 14
# ---------------------------------------------------------------------------------------------------------------
def <- list()
mh <- rma.mh(measure = "OR", ai = bcg$events_t, n1i = bcg$total_t, ci = bcg$events_c, n2i = bcg$total_c)
def[[length(def) + 1]] <- case("bcg-or-mh-default-fixed", "dat.bcg", "--method MH without --model: fixed effect (rma.mh)", bcg,
  list(measure = "OR", method = "MH"),
  list(model = "fixed", model_source = "default", pooled = compact(list(estimate = num(mh$beta), se = num(mh$se), zval = num(mh$zval),
       pval = num(mh$pval), ci_lb = num(mh$ci.lb), ci_ub = num(mh$ci.ub))), heterogeneity = list(QE = num(mh$QE), I2 = num(mh$I2))))
pt <- rma.peto(ai = bcg$events_t, n1i = bcg$total_t, ci = bcg$events_c, n2i = bcg$total_c)
def[[length(def) + 1]] <- case("bcg-peto-default-fixed", "dat.bcg", "--method PETO without --model: fixed effect (rma.peto)", bcg,
  list(method = "PETO"),
  list(model = "fixed", pooled = compact(list(estimate = num(pt$beta), se = num(pt$se), ci_lb = num(pt$ci.lb), ci_ub = num(pt$ci.ub)))))
mh5 <- rma.mh(measure = "RR", ai = bcg$events_t, n1i = bcg$total_t, ci = bcg$events_c, n2i = bcg$total_c, add = c(1/2, 1/2), to = c("only0", "only0"))
def[[length(def) + 1]] <- case("bcg-rr-revman5-default-fixed", "dat.bcg", "--preset revman5 without --model: MH fixed effect", bcg,
  list(measure = "RR", preset = "revman5"),
  list(model = "fixed", method = "MH", pooled = compact(list(estimate = num(mh5$beta), se = num(mh5$se), ci_lb = num(mh5$ci.lb), ci_ub = num(mh5$ci.ub)))))
for (ds in c("bcg", "normand", "hackshaw")) {
  if (ds == "bcg") { rows <- bcg; yi <- dd$yi; vi <- dd$vi; meas <- "RR" }
  if (ds == "normand") { rows <- nor; yi <- es_nor$yi; vi <- es_nor$vi; meas <- "MD" }
  if (ds == "hackshaw") { rows <- hac; yi <- hac$yi; vi <- hac$vi; meas <- "GEN" }
  fit <- rma(yi, vi, method = "REML", test = "knha")
  def[[length(def) + 1]] <- case(paste0(ds, "-revman-web"), ds, "--preset revman-web: REML, HKSJ, Q-profile, t-based prediction interval", rows,
    list(measure = meas, preset = "revman-web"),
    list(model = "random", method = "IV", tau2_method = "REML", test = "knha", pooled = c(pooled_of(fit, meas %in% c("OR", "RR")), list(df = fit$k - 1)),
         heterogeneity = het_of(fit, TRUE)))
}
# trim-and-fill under Knapp-Hartung when no study is filled: metafor returns the original (Knapp-Hartung) model
tf_rows <- list(hackshaw = list(rows = hac, yi = hac$yi, vi = hac$vi, meas = "GEN"), normand = list(rows = nor, yi = es_nor$yi, vi = es_nor$vi, meas = "MD"),
                bcg = list(rows = bcg, yi = dd$yi, vi = dd$vi, meas = "RR"))
for (nm in names(tf_rows)) {
  t <- tf_rows[[nm]]
  fit <- rma(t$yi, t$vi, method = "REML", test = "knha")
  tf <- trimfill(fit)
  def[[length(def) + 1]] <- case(paste0(nm, "-trimfill-knha"), nm, sprintf("trim-and-fill under Knapp-Hartung (k0 = %d)", tf$k0), t$rows,
    list(measure = t$meas, test = "knha", bias = TRUE),
    list(bias = list(trimfill = compact(list(k0 = tf$k0, side = tf$side, estimate = num(tf$beta), se = num(tf$se), ci_lb = num(tf$ci.lb),
                                              ci_ub = num(tf$ci.ub), pval = num(tf$pval), tau2 = num(tf$tau2))))))
}
one <- bcg[1, ]
f1 <- rma(dd$yi[1], dd$vi[1], method = "FE")
def[[length(def) + 1]] <- case("bcg1-rr-fixed", "dat.bcg (first trial)", "k = 1 with --model fixed", one, list(measure = "RR", model = "fixed"),
  list(k = 1, pooled = compact(list(estimate = num(f1$beta), se = num(f1$se), zval = num(f1$zval), pval = num(f1$pval),
       ci_lb = num(f1$ci.lb), ci_ub = num(f1$ci.ub)))))
# --level: every interval at 90% (rma level = 90, predict, confint)
fit90 <- rma(dd$yi, dd$vi, method = "REML", level = 90)
ci90 <- confint(fit90)$random
pr90 <- predict(fit90)
def[[length(def) + 1]] <- case("bcg-rr-reml-level90", "dat.bcg", "--level 90: CI, prediction interval and Q-profile CI at 90%", bcg,
  list(measure = "RR", level = 90),
  list(level = 90, pooled = list(ci_lb = num(fit90$ci.lb), ci_ub = num(fit90$ci.ub), pi_lb = num(pr90$pi.lb), pi_ub = num(pr90$pi.ub)),
       heterogeneity = list(tau2_ci = pair(ci90["tau^2", "ci.lb"], ci90["tau^2", "ci.ub"]), I2_ci = pair(ci90["I^2(%)", "ci.lb"], ci90["I^2(%)", "ci.ub"]))))
mr90 <- rma(yi, vi, mods = ~ ablat, data = dd, method = "REML", test = "knha", level = 90)
def[[length(def) + 1]] <- case("bcg-rr-ablat-knha-level90", "dat.bcg", "--level 90 with --mods and Knapp-Hartung", bcg,
  list(measure = "RR", level = 90, mods = I("ablat"), test = "knha"), list(meta_regression = metareg_of(mr90)))
write_cases("defaults", def)

# ---------------------------------------------------------------------------------------------------------------
# trial2x2 with 250,000 and 1,000,000 per arm (the hypergeometric support has 2,500 to 600,001 points)
# ---------------------------------------------------------------------------------------------------------------
big <- lapply(list(c(1200, 250000, 1300, 250000), c(300000, 1000000, 301000, 1000000)), function(t) {
  tab <- matrix(c(t[1], t[2] - t[1], t[3], t[4] - t[3]), nrow = 2, byrow = TRUE)
  f <- fisher.test(tab)
  list(table = list(events_t = t[1], total_t = t[2], events_c = t[3], total_c = t[4]),
       expected = list(fisher_p = f$p.value, pearson_p = chisq.test(tab, correct = FALSE)$p.value))
})
dir.create(file.path("fixtures", "trial"), showWarnings = FALSE)
writeLines(toJSON(list(reference = paste("R", R.version.string), cases = big), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path("fixtures", "trial", "large-2x2.json"))
cat("fixtures/trial/large-2x2.json\n")
