# Reference values for Decidua's network meta-analysis (`decidua nma`), computed with R metafor's rma.mv.
#
#   Rscript scripts/nma-fixtures.R          (from the repository root; writes fixtures/nma/*.json)
#
# Needs R >= 4 with metafor (3.8.1 was used), metadat and jsonlite. CI never runs this: the JSON output is committed
# and test/stats/nma/fixtures.test.ts compares the engine against every field.
#
# The data are prepared here independently of the TypeScript code, by the same documented rules (docs/nma.md):
# - arms in the order of the file; a study's first arm is its baseline; treatments in order of first appearance,
#   the reference first; the parameters are d_t = effect of t relative to the reference;
# - binary arms: when any arm of a study has no events or only events, 0.5 is added to the events and the non-events
#   of every arm; for OR and RR a study with no events (or only events) in every arm is left out;
# - contrasts relative to the baseline with covariance (v_tb + v_ub - v_tu) / 2 (for OR, RR, RD, MD: the baseline
#   arm's variance; for SMD from escalc's pairwise variances); contrast input: all pairwise contrasts of a multi-arm
#   study give the covariance by the same formula.
#
# What comes from where:
# - metafor rma.mv: the fixed-effect fit (method = "FE": estimates, SEs, CIs, Q) and the random-effects fit
#   rma.mv(yi, V, mods = ~ 0 + <treatment columns>, random = ~ contr | study, rho = 0.5, method = "REML")
#   (netmeta's own REML specification); with --tau2 DL the same rma.mv with tau2 fixed at the DL value;
#   the within-design Q from rma.mv's QE of the full design-by-treatment interaction model (method = "FE"),
#   the per-design Q from rma.mv on each design's studies.
# - coded here from netmeta's source (github.com/guido-s/netmeta: nma.ruecker.R, tau.within.R, decomp.tau.R,
#   netsplit.R / netmeta.R, netrank.R), with plain matrices: the generalised DL tau², tau² of the full interaction
#   model and the between-design Q under it, node-splitting by back-calculation, and P-scores (pnorm of the rma.mv
#   estimates and vcov).

suppressPackageStartupMessages({
  library(metafor)
  library(metadat)
  library(jsonlite)
})

out_dir <- file.path("fixtures", "nma")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

# ---------------------------------------------------------------------------------------------------------------
# Data preparation: one list per study with arms, y (contrasts vs arms[1]) and V
# ---------------------------------------------------------------------------------------------------------------
arm_effect <- function(a, measure) {
  if (measure == "OR") list(y = log(a$events / (a$total - a$events)), v = 1 / a$events + 1 / (a$total - a$events))
  else if (measure == "RR") list(y = log(a$events / a$total), v = 1 / a$events - 1 / a$total)
  else if (measure == "RD") { p <- a$events / a$total; list(y = p, v = p * (1 - p) / a$total) }
  else if (measure == "MD") list(y = a$mean, v = a$sd^2 / a$total)
  else stop("no arm effect for ", measure)
}

prep_arms <- function(d, measure) {
  out <- list(); excluded <- character(0)
  for (s in unique(d$study)) {
    a <- d[d$study == s, ]
    stopifnot(!any(duplicated(a$treatment)))
    corrected <- FALSE
    if (!is.null(a$events)) {
      if (measure %in% c("OR", "RR") && (all(a$events == 0) || all(a$events == a$total))) {
        excluded <- c(excluded, s); next
      }
      if (any(a$events == 0 | a$events == a$total)) {
        a$events <- a$events + 0.5; a$total <- a$total + 1; corrected <- TRUE
      }
    }
    q <- nrow(a) - 1
    if (measure == "SMD") {
      smd <- function(i, j) escalc("SMD", m1i = a$mean[i], sd1i = a$sd[i], n1i = a$total[i],
                                   m2i = a$mean[j], sd2i = a$sd[j], n2i = a$total[j])
      y <- numeric(q); V <- matrix(0, q, q)
      for (i in 1:q) { e <- smd(i + 1, 1); y[i] <- e$yi; V[i, i] <- e$vi }
      if (q > 1) for (i in 1:(q - 1)) for (j in (i + 1):q) {
        vij <- smd(i + 1, j + 1)$vi
        V[i, j] <- V[j, i] <- (V[i, i] + V[j, j] - vij) / 2
      }
    } else {
      e <- arm_effect(a, measure)
      y <- e$y[-1] - e$y[1]
      V <- matrix(e$v[1], q, q) + diag(e$v[-1], q)
    }
    out[[length(out) + 1]] <- list(study = s, arms = as.character(a$treatment), y = y, V = V, corrected = corrected)
  }
  list(studies = out, excluded = excluded)
}

prep_contrasts <- function(d) {
  out <- list()
  for (s in unique(d$study)) {
    a <- d[d$study == s, ]
    arms <- character(0)
    for (r in seq_len(nrow(a))) {
      if (!(a$treatment2[r] %in% arms)) arms <- c(arms, a$treatment2[r])
      if (!(a$treatment1[r] %in% arms)) arms <- c(arms, a$treatment1[r])
    }
    eff <- function(t, u) {
      r <- which(a$treatment1 == t & a$treatment2 == u)
      if (length(r) == 1) return(c(a$yi[r], a$sei[r]^2))
      r <- which(a$treatment1 == u & a$treatment2 == t)
      c(-a$yi[r], a$sei[r]^2)
    }
    q <- length(arms) - 1
    y <- numeric(q); V <- matrix(0, q, q)
    for (i in 1:q) { e <- eff(arms[i + 1], arms[1]); y[i] <- e[1]; V[i, i] <- e[2] }
    if (q > 1) for (i in 1:(q - 1)) for (j in (i + 1):q) {
      vij <- eff(arms[i + 1], arms[j + 1])[2]
      V[i, j] <- V[j, i] <- (V[i, i] + V[j, j] - vij) / 2
    }
    out[[length(out) + 1]] <- list(study = s, arms = arms, y = y, V = V, corrected = FALSE)
  }
  list(studies = out, excluded = character(0))
}

# ---------------------------------------------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------------------------------------------
Sigma_block <- function(q) { m <- matrix(0.5, q, q); diag(m) <- 1; m }

# rma.mv's nlminb stops about 1e-8 (relative) from the REML optimum; the root of the restricted-likelihood score
#   S(tau2) = (r' W Sig W r - tr(P Sig)) / 2,  P = W - W X (X'WX)^-1 X'W,  W = (V + tau2 Sig)^-1
# is found from there with uniroot to 1e-15 (0 when S(0) <= 0 and nlminb is at the boundary), and rma.mv is refitted
# with tau2 fixed at that value.
reml_score <- function(t, y, V, X, Sig) {
  W <- solve(V + t * Sig)
  C <- solve(t(X) %*% W %*% X)
  P <- W - W %*% X %*% C %*% t(X) %*% W
  r <- P %*% y
  as.numeric((t(r) %*% Sig %*% r - sum(diag(P %*% Sig))) / 2)
}
reml_polish <- function(y, V, X, Sig, start) {
  if (start < 1e-6 && reml_score(0, y, V, X, Sig) <= 0) return(0)
  lo <- start * (1 - 1e-4); hi <- start * (1 + 1e-4)
  while (reml_score(lo, y, V, X, Sig) < 0) lo <- lo / 2
  while (reml_score(hi, y, V, X, Sig) > 0) hi <- hi * 2
  uniroot(reml_score, c(lo, hi), y = y, V = V, X = X, Sig = Sig, tol = 1e-15, maxiter = 1000)$root
}

gls <- function(y, V, X, tau2 = 0, Sig = NULL) {
  Om <- if (tau2 == 0) V else V + tau2 * Sig
  W <- solve(Om)
  C <- solve(t(X) %*% W %*% X)
  b <- C %*% t(X) %*% W %*% y
  r <- y - X %*% b
  list(b = as.vector(b), C = C, Q = as.numeric(t(r) %*% W %*% r), W = W)
}

analyse <- function(prep, reference, model, tau2_method, larger_better) {
  tau2_nlminb <- NULL
  st <- prep$studies
  trts <- unique(unlist(lapply(st, `[[`, "arms")))
  trts <- c(reference, setdiff(trts, reference))
  n <- length(trts); p <- n - 1
  rows <- do.call(rbind, lapply(st, function(s) data.frame(study = s$study, trt = s$arms[-1], base = s$arms[1],
                                                            yi = s$y, stringsAsFactors = FALSE)))
  m <- nrow(rows)
  X <- matrix(0, m, p, dimnames = list(NULL, paste0("d", 2:n)))
  for (r in 1:m) {
    it <- match(rows$trt[r], trts); ib <- match(rows$base[r], trts)
    if (it > 1) X[r, it - 1] <- 1
    if (ib > 1) X[r, ib - 1] <- -1
  }
  V <- bldiag(lapply(st, `[[`, "V"))
  Sig <- bldiag(lapply(st, function(s) Sigma_block(length(s$y))))
  dat <- data.frame(rows, X)
  dat$contr <- factor(dat$trt)
  f <- as.formula(paste("~ 0 +", paste(colnames(X), collapse = " + ")))
  df <- m - p

  fe <- rma.mv(yi, V, mods = f, data = dat, method = "FE")
  # Generalised DL (netmeta nma.ruecker / tau.within): (Q - df) / (tr(W0 Sig) - tr(C X'W0 Sig W0 X))
  g0 <- gls(dat$yi, V, X)
  tr1 <- sum(diag(g0$W %*% Sig))
  tr2 <- sum(diag(g0$C %*% t(X) %*% g0$W %*% Sig %*% g0$W %*% X))
  tau2_dl <- max(0, (g0$Q - df) / (tr1 - tr2))
  if (tau2_method == "DL") {
    tau2 <- tau2_dl
    re <- rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, tau2 = tau2_dl)
  } else {
    re0 <- rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, method = "REML")
    tau2 <- reml_polish(dat$yi, V, X, Sig, re0$tau2)
    re <- rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, tau2 = tau2, method = "REML")
    # The polished root is at least as high on metafor's own restricted likelihood as nlminb's stopping point.
    if (!(logLik(re) >= logLik(re0) - 1e-10)) { print(c(re0$tau2, tau2, logLik(re0), logLik(re)), digits = 15) ; stop("polish") }
    tau2_nlminb <- re0$tau2
  }
  fit <- if (model == "fixed") fe else re
  tau2_used <- if (model == "fixed") 0 else tau2

  b <- c(0, as.vector(coef(fit)))
  Cv <- matrix(0, n, n); Cv[2:n, 2:n] <- vcov(fit)
  vd <- function(i, j) Cv[i, i] + Cv[j, j] - 2 * Cv[i, j]
  z <- qnorm(0.975)
  iv <- function(est, se) list(estimate = est, se = se, ci_lb = est - z * se, ci_ub = est + z * se)

  estimates <- lapply(2:n, function(t) list(treatment = trts[t], estimate = as.numeric(coef(fit)[t - 1]),
                                            se = fit$se[t - 1], ci_lb = fit$ci.lb[t - 1], ci_ub = fit$ci.ub[t - 1],
                                            zval = fit$zval[t - 1], pval = fit$pval[t - 1]))
  Q <- fe$QE
  heterogeneity <- list(tau2 = tau2, tau = sqrt(tau2), Q = Q, Q_df = df, Q_pval = if (df > 0) fe$QEp else NULL,
                        I2 = if (df > 0) max(0, (Q - df) / Q) * 100 else NULL)

  # Design-by-treatment decomposition
  design <- sapply(st, function(s) paste(trts[sort(match(s$arms, trts))], collapse = ":"))
  rows$design <- rep(design, sapply(st, function(s) length(s$y)))
  designs <- unique(design)
  Xi <- NULL; by_design <- list(); q_within_designs <- 0
  for (dn in designs) {
    loc <- strsplit(dn, ":")[[1]]
    sel <- rows$design == dn
    Xd <- matrix(0, m, length(loc) - 1, dimnames = list(NULL, paste0(make.names(dn), "_", seq_len(length(loc) - 1))))
    for (r in which(sel)) {
      it <- match(rows$trt[r], loc); ib <- match(rows$base[r], loc)
      if (it > 1) Xd[r, it - 1] <- 1
      if (ib > 1) Xd[r, ib - 1] <- -1
    }
    Xi <- cbind(Xi, Xd)
    ks <- length(unique(rows$study[sel]))
    ddf <- sum(sel) - (length(loc) - 1)
    qd <- 0
    if (ddf > 0) {
      idx <- which(sel)
      Xs <- Xd[idx, , drop = FALSE]
      fd <- rma.mv(rows$yi[idx], V[idx, idx], mods = Xs, intercept = FALSE, method = "FE")
      qd <- fd$QE
    }
    by_design[[length(by_design) + 1]] <- list(design = dn, studies = ks, Q = qd, df = ddf,
                                               pval = if (ddf > 0) pchisq(qd, ddf, lower.tail = FALSE) else NULL)
  }
  df_within <- m - ncol(Xi)
  q_within <- if (df_within > 0) rma.mv(dat$yi, V, mods = Xi, intercept = FALSE, method = "FE")$QE else 0
  df_between <- df - df_within
  qt <- function(Qv, d) list(Q = Qv, df = d, pval = if (d > 0) pchisq(Qv, d, lower.tail = FALSE) else NULL)
  between_random <- NULL
  if (n > 2) {
    gi <- gls(dat$yi, V, Xi)
    t2i <- sum(diag(gi$C %*% t(Xi) %*% gi$W %*% Sig %*% gi$W %*% Xi))
    tau_w <- if (df_within > 0 && tr1 != t2i) max(0, (gi$Q - df_within) / (tr1 - t2i)) else 0
    qn <- gls(dat$yi, V, X, tau_w, Sig)$Q
    qh <- gls(dat$yi, V, Xi, tau_w, Sig)$Q
    between_random <- c(qt(qn - qh, df_between), list(tau2_within = tau_w))
  }
  inconsistency <- list(total = qt(Q, df), within_designs = qt(q_within, df_within),
                        between_designs = qt(Q - q_within, df_between),
                        between_designs_random = between_random, by_design = by_design)

  # Node-splitting by back-calculation (netmeta): direct = IV pooling of the pairwise contrasts of every study with
  # both treatments (variance + tau² under random effects), P = var(nma) / var(direct).
  node_split <- list()
  for (i in 1:(n - 1)) for (j in (i + 1):n) {
    yy <- c(); vv <- c()
    for (s in st) {
      ai <- match(trts[i], s$arms); aj <- match(trts[j], s$arms)
      if (is.na(ai) || is.na(aj)) next
      cc <- c(0, s$y); VV <- matrix(0, length(s$arms), length(s$arms)); VV[-1, -1] <- s$V
      yy <- c(yy, cc[aj] - cc[ai]); vv <- c(vv, VV[aj, aj] + VV[ai, ai] - 2 * VV[ai, aj])
    }
    if (length(yy) == 0) next
    dir <- rma(yy, vv + tau2_used, method = "FE")
    de <- as.numeric(dir$beta); dv <- dir$se^2
    ne <- b[j] - b[i]; nv <- vd(i, j)
    P <- nv / dv
    if (abs(P - 1) < 0.0005 || P > 1) next
    ie <- (ne - P * de) / (1 - P); is <- sqrt(nv / (1 - P))
    diff <- de - ie; dse <- sqrt(dv + is^2)
    node_split[[length(node_split) + 1]] <- list(
      comparison = paste(trts[j], "vs", trts[i]), treatment1 = trts[j], treatment2 = trts[i], k = length(yy),
      direct_proportion = P, nma = iv(ne, sqrt(nv)), direct = iv(de, sqrt(dv)), indirect = iv(ie, is),
      difference = list(estimate = diff, se = dse, zval = diff / dse, pval = 2 * pnorm(-abs(diff / dse))))
  }

  # P-scores (Rücker & Schwarzer 2015)
  sgn <- if (larger_better) 1 else -1
  pscores <- lapply(1:n, function(i) list(treatment = trts[i],
    pscore = mean(sapply(setdiff(1:n, i), function(j) pnorm(sgn * (b[i] - b[j]) / sqrt(vd(i, j)))))))
  cells <- lapply(1:n, function(i) lapply(1:n, function(j) if (i == j) NULL else iv(b[i] - b[j], sqrt(vd(i, j)))))

  list(reference = reference, k = length(st), n = n, m = m, designs = length(designs),
       multi_arm = sum(sapply(st, function(s) length(s$arms) > 2)),
       estimates = estimates, heterogeneity = heterogeneity, inconsistency = inconsistency,
       node_split = node_split, league = list(treatments = trts, cells = cells), pscores = pscores,
       excluded = as.list(prep$excluded), tau2_rma_mv_nlminb = tau2_nlminb,
       corrected = as.list(sapply(Filter(function(s) s$corrected, st), `[[`, "study")))
}

# ---------------------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------------------
cases_for <- function(id, dataset, description, rows, layout, measure, reference, larger_better = FALSE) {
  prep <- if (layout == "contrast") prep_contrasts(rows) else prep_arms(rows, measure)
  out <- list()
  for (v in list(list("fixed", "REML"), list("random", "REML"), list("random", "DL"))) {
    out[[length(out) + 1]] <- list(
      id = paste(id, v[[1]], v[[2]], sep = "-"), dataset = dataset, description = description, layout = layout,
      rows = rows,
      options = list(measure = measure, reference = reference, model = v[[1]], tau2 = v[[2]], largerBetter = larger_better),
      expected = analyse(prep, reference, v[[1]], v[[2]], larger_better))
  }
  out
}

write_cases <- function(name, cases) {
  path <- file.path(out_dir, paste0(name, ".json"))
  writeLines(toJSON(cases, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE), path)
  cat("wrote", path, "\n")
}

# Senn 2013: glucose-lowering agents, HbA1c (mean, sd per arm; one three-arm study), MD.
senn <- with(dat.senn2013, data.frame(study = study, treatment = treatment, mean = mi, sd = sdi, total = ni,
                                      stringsAsFactors = FALSE))
write_cases("senn2013", c(
  cases_for("senn2013-md", "dat.senn2013", "HbA1c, mean difference, 10 treatments, one three-arm study",
            senn, "continuous", "MD", "placebo"),
  cases_for("senn2013-smd", "dat.senn2013", "HbA1c, standardised mean difference", senn, "continuous", "SMD", "placebo")))

# Hasselblad 1998: smoking cessation (events are good: --larger-better), OR, two three-arm studies.
# Two different studies are both "Russell et al.": the label carries the year.
has <- with(dat.hasselblad1998, data.frame(study = paste(authors, year), treatment = trt, events = xi, total = ni,
                                           stringsAsFactors = FALSE))
stopifnot(length(unique(has$study)) == length(unique(dat.hasselblad1998$study)))
write_cases("hasselblad1998", cases_for("hasselblad1998-or", "dat.hasselblad1998",
  "smoking cessation, odds ratio, 4 treatments, two three-arm studies, a zero cell", has, "binary", "OR",
  "no_contact", TRUE))

# Dong 2013: COPD inhaled drugs, deaths, OR; three- and four-arm studies, zero cells and double-zero studies.
dong <- with(dat.dong2013, data.frame(study = paste("Study", id), treatment = treatment, events = death,
                                      total = randomized, stringsAsFactors = FALSE))
write_cases("dong2013", cases_for("dong2013-or", "dat.dong2013",
  "COPD, deaths, odds ratio, 4-arm studies, zero cells and double-zero studies", dong, "binary", "OR", "Placebo"))

# Franchini 2012: Parkinson's disease, off-time reduction, MD; one three-arm study (wide -> long).
fr <- dat.franchini2012
frl <- do.call(rbind, lapply(seq_len(nrow(fr)), function(i) {
  r <- fr[i, ]
  d <- data.frame(study = r$Study, treatment = c(r$Treatment1, r$Treatment2, r$Treatment3),
                  mean = c(r$y1, r$y2, r$y3), sd = c(r$sd1, r$sd2, r$sd3), total = c(r$n1, r$n2, r$n3),
                  stringsAsFactors = FALSE)
  d[!is.na(d$treatment), ]
}))
write_cases("franchini2012", cases_for("franchini2012-md", "dat.franchini2012",
  "Parkinson's disease, off-time, mean difference, one three-arm study", frl, "continuous", "MD", "Placebo"))

# Linde 2016: depression, response, log OR given as contrasts (all pairs of the three- and four-arm studies).
li <- with(dat.linde2016, data.frame(study = paste("Study", id), treatment1 = treat1, treatment2 = treat2,
                                     yi = lnOR, sei = selnOR, stringsAsFactors = FALSE))
write_cases("linde2016", cases_for("linde2016-contrast", "dat.linde2016",
  "depression, response, log odds ratio contrasts (multi-arm studies with all pairwise contrasts)", li,
  "contrast", "OR", "Placebo", TRUE))

# Pagliaro 1992: cirrhosis, first bleeding, RR; two three-arm studies.
pag <- with(dat.pagliaro1992, data.frame(study = paste("Study", study), treatment = trt, events = xi, total = ni,
                                         stringsAsFactors = FALSE))
write_cases("pagliaro1992", cases_for("pagliaro1992-rr", "dat.pagliaro1992",
  "cirrhosis, first bleeding, risk ratio, two three-arm studies", pag, "binary", "RR", "control"))

# Woods 2010: COPD, mortality, risk difference; one four-arm study with zero-free cells.
wo <- with(dat.woods2010, data.frame(study = author, treatment = treatment, events = r, total = N,
                                     stringsAsFactors = FALSE))
write_cases("woods2010", cases_for("woods2010-rd", "dat.woods2010",
  "COPD, mortality, risk difference, one four-arm study", wo, "binary", "RD", "Placebo"))

# Gurusamy 2011: liver resection, mortality, OR, zero cells in many studies, one three-arm study.
gu <- with(dat.gurusamy2011, data.frame(study = study, treatment = treatment, events = death, total = n,
                                        stringsAsFactors = FALSE))
write_cases("gurusamy2011", cases_for("gurusamy2011-or", "dat.gurusamy2011",
  "liver resection, mortality, odds ratio, many zero cells", gu, "binary", "OR", "Control/Placebo"))

# Stowe 2010: Parkinson's disease, off-time, MD; one three-arm study (wide -> long). netmeta's published output for
# these data (Balduzzi et al. 2023, J Stat Softw 106(2), the netmeta vignette) is checked in test/stats/nma/netmeta-published.test.ts.
sw <- dat.stowe2010
swl <- do.call(rbind, lapply(seq_len(nrow(sw)), function(i) {
  r <- sw[i, ]
  d <- data.frame(study = r$study, treatment = c(r$t1, r$t2, r$t3), mean = c(r$y1, r$y2, r$y3),
                  sd = c(r$sd1, r$sd2, r$sd3), total = c(r$n1, r$n2, r$n3), stringsAsFactors = FALSE)
  d[!is.na(d$treatment) & d$treatment != "", ]
}))
write_cases("stowe2010", cases_for("stowe2010-md", "dat.stowe2010",
  "Parkinson's disease, off-time, mean difference, one three-arm study", swl, "continuous", "MD", "Placebo"))

# Baker 2009: COPD exacerbations, OR; multi-arm studies and a study with no events in any arm (left out). netmeta's
# published output for these data (Balduzzi et al. 2023) is checked in test/stats/nma/netmeta-published.test.ts.
bk <- with(dat.baker2009, data.frame(study = paste0(study, " (", id, ")"), treatment = treatment, events = exac,
                                     total = total, stringsAsFactors = FALSE))
write_cases("baker2009", cases_for("baker2009-or", "dat.baker2009",
  "COPD, exacerbations, odds ratio, 8 treatments, multi-arm studies, a study without events left out", bk,
  "binary", "OR", "Placebo"))

# A network whose restricted likelihood has two maxima: a local one at tau2 = 0 (the score at 0 is negative) and the
# global one at tau2 = 2.684 that rma.mv's nlminb finds (found by a differential check of random networks).
bm <- data.frame(study = paste0("s", c(1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 8)),
                 treatment = c("T623", "T696", "T623", "T723", "T278", "T696", "T723", "T278", "T792", "T723", "T792", "T623", "T696", "T623", "T723", "T623", "T723", "T792"),
                 events = c(20, 38, 0, 3, 21, 19, 29, 45, 36, 31, 35, 3, 0, 12, 0, 41, 22, 2),
                 total = c(122, 162, 59, 11, 77, 69, 174, 134, 91, 190, 89, 39, 180, 77, 78, 178, 148, 14), stringsAsFactors = FALSE)
write_cases("reml-bimodal", cases_for("reml-bimodal-or", "constructed",
  "odds ratio, 5 treatments, a three-arm study, zero cells; REML likelihood with a boundary and an interior maximum", bm,
  "binary", "OR", "T623"))

# The restricted log-likelihood of that network as rma.mv computes it (tau2 fixed, method REML), on a grid through
# both maxima: the engine's remlLogLik, which decides between a boundary and an interior maximum, must differ from it
# by one constant only (test/stats/nma/reml-loglik.test.ts).
reml_loglik_grid <- function(rows, measure, reference, grid) {
  prep <- prep_arms(rows, measure)
  st <- prep$studies
  trts <- unique(unlist(lapply(st, `[[`, "arms")))
  trts <- c(reference, setdiff(trts, reference))
  n <- length(trts); p <- n - 1
  r <- do.call(rbind, lapply(st, function(s) data.frame(study = s$study, trt = s$arms[-1], base = s$arms[1], yi = s$y, stringsAsFactors = FALSE)))
  X <- matrix(0, nrow(r), p, dimnames = list(NULL, paste0("d", 2:n)))
  for (i in seq_len(nrow(r))) {
    it <- match(r$trt[i], trts); ib <- match(r$base[i], trts)
    if (it > 1) X[i, it - 1] <- 1
    if (ib > 1) X[i, ib - 1] <- -1
  }
  dat <- data.frame(r, X); dat$contr <- factor(dat$trt)
  f <- as.formula(paste("~ 0 +", paste(colnames(X), collapse = " + ")))
  V <- bldiag(lapply(st, `[[`, "V"))
  ll <- sapply(grid, function(t) as.numeric(logLik(rma.mv(yi, V, mods = f, data = dat, random = ~ contr | study, rho = 0.5, tau2 = t, method = "REML"))))
  list(dataset = "constructed", measure = measure, reference = reference, rows = rows, tau2 = grid, remlLogLik = ll)
}
dir.create(file.path(out_dir, "loglik"), showWarnings = FALSE)
writeLines(toJSON(reml_loglik_grid(bm, "OR", "T623", c(0, 0.05, 0.25, 1, 2, 2.684, 4, 8)), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "loglik", "reml-bimodal.json"))

# ---------------------------------------------------------------------------------------------------------------
# Random networks (seeded): shapes no published example has -- 3 to 7 treatments, two- to four-arm studies, sparse
# designs, zero cells, heterogeneity from none to large -- by the same preparation and analysis as above.
# ---------------------------------------------------------------------------------------------------------------
set.seed(20261201)
random_network <- function(kind) {
  repeat {
    nt <- sample(3:7, 1); trts <- LETTERS[1:nt]
    ns <- sample(nt:(3 * nt), 1)
    d <- sample(c(0, 0.2, 0.5), 1)
    eff <- c(0, rnorm(nt - 1, 0, 0.6))
    rows <- NULL
    for (s in 1:ns) {
      na <- sample(c(2, 2, 2, 3, 3, 4), 1)
      arms <- sort(sample(trts, min(na, nt)))
      u <- rnorm(1, 0, d)
      for (a in arms) {
        n <- sample(10:120, 1)
        th <- eff[match(a, trts)] + if (a == arms[1]) 0 else u
        row <- if (kind == "binary") data.frame(study = sprintf("S%02d", s), treatment = a, events = rbinom(1, n, plogis(-1.2 + th)), total = n)
               else data.frame(study = sprintf("S%02d", s), treatment = a, mean = round(rnorm(1, 10 + th, 2 / sqrt(n)), 3), sd = round(runif(1, 1.5, 2.5), 3), total = n)
        rows <- rbind(rows, row)
      }
    }
    # connected, every treatment present
    seen <- "A"; repeat { add <- unique(rows$treatment[rows$study %in% rows$study[rows$treatment %in% seen]]); if (all(add %in% seen)) break; seen <- union(seen, add) }
    if (length(seen) == nt && "A" %in% rows$treatment) return(rows)
  }
}
rand <- list()
for (i in 1:8) {
  rows <- random_network("binary")
  rand <- c(rand, cases_for(sprintf("random-%02d-or", i), "random", "seeded random binary network", rows, "binary", "OR", "A"))
}
for (i in 1:4) {
  rows <- random_network("continuous")
  rand <- c(rand, cases_for(sprintf("random-%02d-md", 8 + i), "random", "seeded random continuous network", rows, "continuous", "MD", "A"))
}
write_cases("random", rand)
