# A simulated data set with the design of Dashti 2025 (LIT in ANA-positive and ANA-negative RPL, randomised 1:1 within
# the ANA stratum against routine treatment, plus healthy pregnant women as a non-randomised comparison group; NK % and
# Th1/Th2 before and after). The effect sizes are invented for the example; they are NOT the trial's results.
# Run from the repository root:  Rscript examples/trials/simulate-lit-ana.R
set.seed(2025)
make <- function(n, ana) {
  arm <- sample(rep(c("lit", "routine"), length.out = n))
  nk_pre <- round(rnorm(n, 14, 3), 1)
  th_pre <- round(rlnorm(n, log(11), 0.25), 2)
  lit <- arm == "lit"
  nk_post <- round(nk_pre - ifelse(lit, 2.5, 0.2) + rnorm(n, 0, 1.8), 1)
  th_post <- round(th_pre * exp(ifelse(lit & ana == "negative", -0.25, ifelse(lit, -0.08, 0)) + rnorm(n, 0, 0.12)), 2)
  p <- ifelse(lit, ifelse(ana == "negative", 0.70, 0.55), ifelse(ana == "negative", 0.45, 0.38))
  data.frame(group = arm, ana = ana, live_birth = rbinom(n, 1, p), nk_pre = nk_pre, nk_post = nk_post, th1th2_pre = th_pre, th1th2_post = th_post)
}
d <- rbind(make(84, "positive"), make(114, "negative"))
healthy <- data.frame(group = "healthy", ana = "", live_birth = NA, nk_pre = round(rnorm(50, 10.5, 2.5), 1), nk_post = NA,
                      th1th2_pre = round(rlnorm(50, log(8), 0.25), 2), th1th2_post = NA)
d <- rbind(d, healthy)
d <- cbind(id = sprintf("S%03d", seq_len(nrow(d))), d)
write.csv(d, "examples/trials/lit-ana-simulated.csv", row.names = FALSE, na = "")
cat("wrote examples/trials/lit-ana-simulated.csv\n")
