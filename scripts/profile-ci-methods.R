# Profile-likelihood CI for tau2 (confint(type = "PL")) for every estimator, on metadat's dat.michael2013 (yi, vi):
# metafor profiles the restricted likelihood for REML and the full likelihood for every other estimator.
# Writes fixtures/profile-ci/methods.json.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
d <- dat.michael2013
rows <- data.frame(study = paste("study", seq_len(nrow(d))), yi = d$yi, vi = d$vi)
out <- list(metafor = as.character(packageVersion("metafor")), rows = rows, fits = list())
for (m in c("REML", "ML", "DL", "PM", "HE", "SJ", "EB")) {
  f <- rma(yi, vi, data = d, method = m)
  ci <- confint(f, type = "PL")$random["tau^2", ]
  out$fits[[m]] <- list(tau2 = f$tau2, ci_lb = ci[["ci.lb"]], ci_ub = ci[["ci.ub"]])
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "fixtures/profile-ci/methods.json")
