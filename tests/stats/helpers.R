# helpers.R — the linearization both R scripts check manyi with
# (make_fixtures.R, e2e/make_e2e.R source it from the top of the checkout).
#
# influence(y, w, inside): the influence vector of the weighted mean of y over
#   the rows inside (y present), as svymean linearizes it:
#   (y_i - mean) w_i / sum w inside, 0 elsewhere.  svyrecvar() of it on the
#   full design is svyby()'s variance of that domain mean; of the difference
#   of two of them, the variance of the difference of the two means.
# recvar(des, x): survey:::svyrecvar on des, post-stratification and raking
#   included, as svymean() calls it.
# rel(a, b): |a - b| / |b|.
influence <- function(y, w, inside) {
  ok <- inside & !is.na(y)
  m <- sum(y[ok] * w[ok]) / sum(w[ok])
  ifelse(ok, (y - m) * w / sum(w[ok]), 0)
}

recvar <- function(des, x) as.vector(svyrecvar(x, des$cluster, des$strata, des$fpc,
                                               postStrata = des$postStrata))

rel <- function(a, b) abs(a - b) / max(abs(b), 1e-300)
