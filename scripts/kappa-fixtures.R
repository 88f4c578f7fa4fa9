# Reference values for Cohen's kappa between two screeners (src/screening/kappa.ts), computed in base R from the
# definition (Cohen 1960):  p_o = sum(diag(T)) / n,  p_e = sum(rowSums(T) * colSums(T)) / n^2,
# kappa = (p_o - p_e) / (1 - p_e), with T the cross-table of the two raters over the given category levels.
#
#   Rscript scripts/kappa-fixtures.R      (from the repository root; writes fixtures/screening/kappa.json)
#
# Needs R >= 4 and jsonlite. CI never runs this: the JSON is committed and test/screening/kappa.test.ts reads it.
suppressPackageStartupMessages(library(jsonlite))

kappa_case <- function(id, description, a, b, levels) {
  t <- table(factor(a, levels = levels), factor(b, levels = levels))
  n <- sum(t)
  po <- sum(diag(t)) / n
  pe <- sum(rowSums(t) * colSums(t)) / n^2
  k <- if (abs(1 - pe) < 1e-12) NA else (po - pe) / (1 - pe)
  list(id = id, description = description, categories = levels, a = a, b = b,
       expected = list(n = n, table = unname(lapply(seq_along(levels), function(i) as.integer(t[i, ]))),
                       observedAgreement = po, expectedAgreement = pe, kappa = if (is.na(k)) NULL else k))
}

rep_pairs <- function(counts, levels) {
  # counts: matrix rater A (rows) x rater B (cols)
  a <- c(); b <- c()
  for (i in seq_along(levels)) for (j in seq_along(levels)) {
    a <- c(a, rep(levels[i], counts[i, j])); b <- c(b, rep(levels[j], counts[i, j]))
  }
  list(a = a, b = b)
}

cases <- list()
yn <- c("forward", "exclude")
p <- rep_pairs(matrix(c(20, 5, 10, 15), 2, byrow = TRUE), yn)
cases[[length(cases) + 1]] <- kappa_case("binary_2x2", "2x2 table 20/5/10/15", p$a, p$b, yn)

set.seed(20240301)
votes <- c("include", "maybe", "exclude")
a <- sample(votes, 30, replace = TRUE, prob = c(0.2, 0.1, 0.7))
b <- ifelse(runif(30) < 0.75, a, sample(votes, 30, replace = TRUE, prob = c(0.2, 0.1, 0.7)))
cases[[length(cases) + 1]] <- kappa_case("three_votes_30", "30 title/abstract votes, include/maybe/exclude", a, b, votes)
fa <- ifelse(a == "exclude", "exclude", "forward"); fb <- ifelse(b == "exclude", "exclude", "forward")
cases[[length(cases) + 1]] <- kappa_case("three_votes_30_binary", "the same 30 votes as forward/exclude", fa, fb, yn)

p <- rep_pairs(matrix(c(9, 3, 4, 184), 2, byrow = TRUE), yn)
cases[[length(cases) + 1]] <- kappa_case("sparse_200", "200 records, few relevant (typical screening)", p$a, p$b, yn)

p <- rep_pairs(matrix(c(0, 2, 3, 0), 2, byrow = TRUE), yn)
cases[[length(cases) + 1]] <- kappa_case("no_agreement", "complete disagreement (negative kappa)", p$a, p$b, yn)

p <- rep_pairs(matrix(c(0, 0, 0, 12), 2, byrow = TRUE), yn)
cases[[length(cases) + 1]] <- kappa_case("one_category", "both raters used one category: kappa undefined", p$a, p$b, yn)

dir.create("fixtures/screening", showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(list(generator = paste("scripts/kappa-fixtures.R,", R.version.string), cases = cases),
                  auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), "fixtures/screening/kappa.json")
cat("wrote fixtures/screening/kappa.json with", length(cases), "cases\n")
