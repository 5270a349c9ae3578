# The figures of docs/integrity.md's evidence of pressure, from R's survey
# package: svyttest(index ~ flagged, subset(des, agency == A)) per agency
# and over the whole design, under weighting base (strata = agency,
# w = N_h / n_h, fpc = N_h) and none (equal weights, no strata, no fpc).
# Run from the top of the tree:  Rscript tests/integrity/make_evidence.R
# It writes tests/integrity/evidence_expected.csv, which
# tests/unit/test_integrity.c holds src/stats/integrity_evidence.c to (1e-9).
suppressMessages(library(survey))
d <- read.csv("tests/integrity/evidence_data.csv")
d$n_h <- ave(d$index, d$agency, FUN = length)
d$w <- d$N / d$n_h
d$one <- 1
designs <- list(
  base = svydesign(ids = ~1, strata = ~agency, weights = ~w, fpc = ~N, data = d),
  none = svydesign(ids = ~1, weights = ~one, data = d)
)
rows <- list()
for (wt in names(designs)) {
  des <- designs[[wt]]
  for (a in c(sort(unique(d$agency)), "(all)")) {
    sub <- if (a == "(all)") des else subset(des, agency == a)
    tt <- svyttest(index ~ flagged, sub)
    est <- unname(tt$estimate)
    rows[[length(rows) + 1]] <- data.frame(
      weighting = wt, agency = a, diff = est, se = est / unname(tt$statistic),
      t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value)
  }
}
out <- do.call(rbind, rows)
write.csv(format(out, digits = 17), "tests/integrity/evidence_expected.csv", row.names = FALSE,
          quote = FALSE)
