# make_fixtures.R — the expected figures of the statistics module, computed
# with R's survey package (Debian r-cran-survey 4.1), for tests/unit/test_stats.c.
#
#   apt-get install -y r-cran-survey
#   Rscript tests/stats/make_fixtures.R      # from the top of the checkout
#
# Deterministic (set.seed per dataset); writes under tests/stats/:
#   DATASET_data.csv   one row per response: agency,domain,size (0-based; size NA
#                      for public-channel rows), sampled (1 = invitation sample),
#                      items q1..q5 (1..5, NA = missing), index (the composite,
#                      CONTRACT §5), and R's weights(des) under base, poststrat, rake
#   DATASET_pop.csv    registry counts: kind (agency | agency_domain | domain |
#                      size), i, j, count
#   expected.csv       every figure of every group, for every dataset, weighting,
#                      measure (q1 = a scale item, index) and grouping (overall,
#                      agency, domain, agency x domain, size), at levels 0.95 and 0.90
#   meta.csv           per dataset: dimensions, raking passes
#   errors.csv         population changes that must fail, and what R does with them
#   qt.csv, pt.csv, holm.csv, alpha.csv, indep.csv   the helpers
#
# Numbers are printed with 17 significant digits; NA is missing.
#
# How each figure is obtained (the contract's R calls, CONTRACT §5):
#   mean, se      svyby(~y, ~g, des, svymean, na.rm=TRUE) (overall: svymean)
#   ci            confint(est, df=degf(des), level=level)
#   rate, rate_se, rate_ci
#                 svyciprop(~sat, des[g, ], method="xlogit", df=degf(des),
#                 level=level, na.rm=TRUE), the call svyby makes for each group.
#                 When every answer of a group is alike (rate 0 or 1) the xlogit
#                 interval is undefined; R gives NaN or rounding noise, the
#                 fixture says NA (the module's documented convention).
#   diff, diff_se the group's mean minus the overall mean; the variance of the
#                 difference of the two influence vectors (x - mean) w / wsum
#                 (zero outside the group / where y is missing) by
#                 survey:::svyrecvar on the full design, postStrata included.
#                 The same call on the group's influence alone is checked
#                 against svyby's se first, so the linearization is R's own.
#   diff_p        2 * pt(-abs(diff / diff_se), degf(des)); diff_p_holm is
#                 p.adjust(diff_p, "holm") over the groups of one table.
#   rdiff...      the same for the rate.
#   A group whose y is missing everywhere has n = 0 and NA figures (svymean
#   returns 0 or NaN there depending on the design type).

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
if (packageVersion("survey") < "4.1") stop("survey >= 4.1 needed")

# FIXTURE_DIR and FIXTURE_SEED (an offset added to every seed) make fresh
# datasets elsewhere, to check the module on data it was never run on:
#   FIXTURE_DIR=/tmp/fx FIXTURE_SEED=1 Rscript tests/stats/make_fixtures.R
#   STATS_FIXTURES=/tmp/fx build/tests/test_stats
outdir <- Sys.getenv("FIXTURE_DIR", "tests/stats")
seed_offset <- as.integer(Sys.getenv("FIXTURE_SEED", "0"))
if (!dir.exists(outdir)) stop("run from the top of the checkout (or set FIXTURE_DIR)")

POINTS <- 5
ITEM_WEIGHTS <- c(1, 1, 2, 0.5, 0)    # index_weight of q1..q5
SATISFIED <- c(4, 5)
LEVELS <- c(0.95, 0.90)
RAKE_CONTROL <- list(maxit = 1000, epsilon = 1e-13)

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_rows <- function(df, file) {
  for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- num(df[[j]])
  df[] <- lapply(df, function(v) ifelse(is.na(v), "NA", as.character(v)))
  write.table(df, file.path(outdir, file), sep = ",", quote = FALSE,
              row.names = FALSE, na = "NA")
}

# ---------------------------------------------------------------- datasets
# nh: responses of the invitation sample per agency; wfac: population per
# response, per agency (1 = a census stratum); D domains, S sizes.
make_dataset <- function(name, seed, nh, wfac, D, S, n_public, p_na, allna_cell = TRUE) {
  set.seed(seed + seed_offset)
  A <- length(nh)
  agency <- rep(seq_len(A) - 1L, nh)
  dom_sets <- lapply(seq_len(A), function(a) sort(sample(0:(D - 1), sample(1:D, 1))))
  domain <- unlist(lapply(seq_len(A), function(a) {
    s <- dom_sets[[a]]
    s[sample.int(length(s), nh[a], replace = TRUE, prob = seq_along(s)^1.5)]
  }))
  psize <- c(0.05, 0.15, 0.3, 0.4, 0.1)[seq_len(S)]
  size <- sample(0:(S - 1), sum(nh), replace = TRUE, prob = psize)
  size[seq_len(S)] <- 0:(S - 1)             # every size answers at least once
  s <- data.frame(agency = agency, domain = domain, size = size, sampled = 1L)

  # The registry: each responding agency x domain x size cell stands for
  # about wfac[a] encounters (exactly as many when wfac is 1, a census).
  cells <- aggregate(list(n = rep(1, nrow(s))), s[c("agency", "domain", "size")], sum)
  f <- wfac[cells$agency + 1]
  cells$N <- ifelse(f == 1, cells$n, pmax(cells$n, round(cells$n * f * runif(nrow(cells), 0.5, 1.5))))
  popA <- sapply(0:(A - 1), function(a) sum(cells$N[cells$agency == a]))
  popD <- sapply(0:(D - 1), function(d) sum(cells$N[cells$domain == d]))
  popS <- sapply(0:(S - 1), function(z) sum(cells$N[cells$size == z]))
  popAD <- matrix(0, A, D)
  for (k in seq_len(nrow(cells)))
    popAD[cells$agency[k] + 1, cells$domain[k] + 1] <- popAD[cells$agency[k] + 1, cells$domain[k] + 1] + cells$N[k]

  # Public-channel answers: agency and domain known, no size, no encounter.
  p <- data.frame(agency = sample(0:(A - 1), n_public, replace = TRUE),
                  domain = sample(0:(D - 1), n_public, replace = TRUE),
                  size = rep(NA_integer_, n_public), sampled = rep(0L, n_public))
  d <- rbind(s, p)
  n <- nrow(d)

  # Items: a latent level per agency and domain, five items, many missing.
  ea <- rnorm(A, 0, 0.6); ed <- rnorm(D, 0, 0.4)
  mu <- 3.4 + ea[d$agency + 1] + ed[d$domain + 1] + ifelse(d$sampled == 1, 0, -0.5)
  for (j in 1:5) {
    q <- pmin(5, pmax(1, round(mu + rnorm(n, 0, 1.1) + (j - 3) * 0.15)))
    q[runif(n) < p_na[j]] <- NA
    d[[paste0("q", j)]] <- q
  }
  # One agency x domain cell where nobody answered q1.
  if (allna_cell) {
    t <- table(paste(s$agency, s$domain))
    key <- names(t)[which(t >= 2 & t <= 4)[1]]
    d$q1[d$sampled == 1 & paste(d$agency, d$domain) == key] <- NA
  }
  X <- as.matrix(d[paste0("q", 1:5)])
  numer <- rowSums(sweep((X - 1) / (POINTS - 1), 2, ITEM_WEIGHTS, "*"), na.rm = TRUE)
  denom <- rowSums(sweep(!is.na(X), 2, ITEM_WEIGHTS, "*"))
  d$index <- ifelse(denom > 0, 100 * numer / denom, NA)
  list(name = name, d = d, A = A, D = D, S = S, popA = popA, popD = popD, popS = popS,
       popAD = popAD)
}

datasets <- list(
  # Strata from 1 to 300 responses (one lonely, one census), base weights from
  # 1 to about 1000, public answers, an all-missing cell.
  make_dataset("mixed", 20240401, nh = c(1, 3, 8, 20, 45, 80, 150, 300, 40, 12, 2, 200),
               wfac = c(1000, 1, 1000, 50, 20, 10, 5, 2, 100, 300, 1.5, 3),
               D = 6, S = 5, n_public = 150, p_na = c(0.15, 0.1, 0.6, 0.3, 0.05)),
  # Small and sparse: two lonely strata, half of q1 missing.
  make_dataset("sparse", 7, nh = c(1, 1, 6, 25, 60), wfac = c(5, 40, 3, 8, 2),
               D = 4, S = 5, n_public = 30, p_na = c(0.5, 0.4, 0.7, 0.5, 0.2)),
  # Larger, more domains, extreme weights (one stratum at 500 per response).
  make_dataset("large", 99, nh = c(400, 20, 150, 600, 35, 90, 500, 205),
               wfac = c(2, 500, 10, 1.2, 80, 30, 4, 15),
               D = 10, S = 5, n_public = 100, p_na = c(0.12, 0.2, 0.55, 0.25, 0.1))
)

# ---------------------------------------------------------------- designs
fac <- function(x, k) factor(x, levels = 0:(k - 1))

designs <- function(ds) {
  d <- ds$d
  d$fa <- fac(d$agency, ds$A); d$fd <- fac(d$domain, ds$D); d$fs <- fac(d$size, ds$S)
  s <- d[d$sampled == 1, ]
  s$N_h <- ds$popA[s$agency + 1]
  s$w <- s$N_h / ave(s$N_h, s$agency, FUN = length)
  none <- suppressWarnings(svydesign(ids = ~1, data = d))
  base <- svydesign(ids = ~1, strata = ~fa, weights = ~w, fpc = ~N_h, data = s)
  popAD <- expand.grid(fa = fac(0:(ds$A - 1), ds$A), fd = fac(0:(ds$D - 1), ds$D))
  popAD$Freq <- as.vector(ds$popAD)
  post <- postStratify(base, ~fa + fd, popAD)
  margins <- list(data.frame(fa = fac(0:(ds$A - 1), ds$A), Freq = ds$popA),
                  data.frame(fd = fac(0:(ds$D - 1), ds$D), Freq = ds$popD),
                  data.frame(fs = fac(0:(ds$S - 1), ds$S), Freq = ds$popS))
  rk <- function(maxit) rake(base, list(~fa, ~fd, ~fs), margins,
                             control = list(maxit = maxit, epsilon = RAKE_CONTROL$epsilon))
  raked <- withCallingHandlers(rk(RAKE_CONTROL$maxit),
                               warning = function(w) stop("raking did not converge: ", conditionMessage(w)))
  # R does not report raking passes: find the smallest maxit without a warning.
  warns <- function(m) { w <- FALSE; withCallingHandlers(rk(m), warning = function(c) { w <<- TRUE; invokeRestart("muffleWarning") }); w }
  lo <- 1; hi <- RAKE_CONTROL$maxit
  while (lo < hi) { mid <- (lo + hi) %/% 2; if (warns(mid)) lo <- mid + 1 else hi <- mid }
  list(data = list(none = d, base = s, poststrat = s, rake = s),
       des = list(none = none, base = base, poststrat = post, rake = raked),
       iterations = lo, rk = rk, margins = margins, popAD = popAD, base_design = base)
}

# ---------------------------------------------------------------- estimates
BYS <- c("overall", "agency", "domain", "agency_domain", "size")

group_of <- function(d, by, D) switch(by,
  overall = rep(NA_integer_, nrow(d)), agency = d$agency, domain = d$domain,
  agency_domain = d$agency * D + d$domain, size = d$size)

source("tests/stats/helpers.R")  # influence(), recvar(), rel()

# All figures of one (design, measure, grouping): a data frame.
estimate <- function(des, d, ycol, by, D, has_rate) {
  y <- d[[ycol]]
  sat <- ifelse(is.na(d$q1), NA, as.numeric(d$q1 %in% SATISFIED))
  g <- group_of(d, by, D)
  w <- weights(des)
  df <- degf(des)
  present <- !is.na(y)
  groups <- if (by == "overall") integer(0) else sort(unique(g[!is.na(g)]))
  ng <- sapply(groups, function(k) sum(present & !is.na(g) & g == k))
  ok_groups <- groups[ng > 0]
  geff <- ifelse(!is.na(g) & g %in% ok_groups, g, NA)
  des <- update(des, y = y, sat = sat, geff = geff)

  ov <- svymean(~y, des, na.rm = TRUE)
  x0 <- influence(y, w, rep(TRUE, length(y)))
  stopifnot(rel(recvar(des, x0), vcov(ov)[1]) < 1e-9)
  r0x <- influence(sat, w, rep(TRUE, length(y)))
  one <- function(k, inside, m, se, cis) {
    n <- sum(inside & present)
    row <- data.frame(group = k, n = n, n_design = sum(inside), wsum = sum(w[inside & present]),
                      mean = NA_real_, se = NA_real_, df = df,
                      ci_low_95 = NA_real_, ci_high_95 = NA_real_, ci_low_90 = NA_real_, ci_high_90 = NA_real_,
                      rate = NA_real_, rate_se = NA_real_,
                      rate_ci_low_95 = NA_real_, rate_ci_high_95 = NA_real_,
                      rate_ci_low_90 = NA_real_, rate_ci_high_90 = NA_real_,
                      index = NA_real_, n_eff = NA_real_,
                      diff = NA_real_, diff_se = NA_real_, diff_p = NA_real_, diff_p_holm = NA_real_,
                      rdiff = NA_real_, rdiff_se = NA_real_, rdiff_p = NA_real_, rdiff_p_holm = NA_real_)
    if (n == 0) return(row)
    row$mean <- m; row$se <- se
    row$ci_low_95 <- cis[[1]][1]; row$ci_high_95 <- cis[[1]][2]
    row$ci_low_90 <- cis[[2]][1]; row$ci_high_90 <- cis[[2]][2]
    row$index <- if (ycol == "index") m else 100 * (m - 1) / (POINTS - 1)
    wi <- w[inside & present]
    row$n_eff <- sum(wi)^2 / sum(wi^2)
    if (has_rate) {
      sub <- if (is.na(k)) des else des[!is.na(des$variables$geff) & des$variables$geff == k, ]
      for (li in seq_along(LEVELS)) {
        r <- svyciprop(~sat, sub, method = "xlogit", df = df, level = LEVELS[li], na.rm = TRUE)
        row$rate <- coef(r)[[1]]; row$rate_se <- SE(r)[[1]]
        ci <- as.vector(attr(r, "ci"))
        s_in <- sat[inside & present]
        if (all(s_in == s_in[1])) ci <- c(NA, NA)   # rate 0 or 1: undefined
        row[[paste0("rate_ci_low_", LEVELS[li] * 100)]] <- ci[1]
        row[[paste0("rate_ci_high_", LEVELS[li] * 100)]] <- ci[2]
      }
    }
    if (!is.na(k)) {
      xg <- influence(y, w, inside)
      stopifnot(rel(recvar(des, xg), se^2) < 1e-9)   # svyby's se is this linearization
      row$diff <- m - coef(ov)[[1]]
      row$diff_se <- sqrt(recvar(des, xg - x0))
      row$diff_p <- 2 * pt(-abs(row$diff / row$diff_se), df)
      if (has_rate) {
        rg <- influence(sat, w, inside)
        row$rdiff <- row$rate - sum(sat[present] * w[present]) / sum(w[present])
        row$rdiff_se <- sqrt(recvar(des, rg - r0x))
        row$rdiff_p <- 2 * pt(-abs(row$rdiff / row$rdiff_se), df)
      }
    }
    row
  }
  cis_of <- function(est) lapply(LEVELS, function(l) as.vector(confint(est, df = df, level = l)))
  rows <- list(one(NA, rep(TRUE, length(y)), coef(ov)[[1]], SE(ov)[[1]], cis_of(ov)))
  if (length(ok_groups)) {
    est <- svyby(~y, ~geff, des, svymean, na.rm = TRUE)
    cis <- lapply(LEVELS, function(l) confint(est, df = df, level = l))
    for (i in seq_along(ok_groups))
      stopifnot(est$geff[i] == ok_groups[i])
    for (k in groups) {
      inside <- !is.na(g) & g == k
      i <- match(k, ok_groups)
      if (is.na(i)) rows[[length(rows) + 1]] <- one(k, inside, NA, NA, NULL)
      else rows[[length(rows) + 1]] <- one(k, inside, est$y[i], est$se[i],
                                           lapply(cis, function(ci) as.vector(ci[i, ])))
    }
  }
  out <- do.call(rbind, rows)
  gr <- !is.na(out$group)
  out$diff_p_holm[gr] <- p.adjust(out$diff_p[gr], "holm")
  out$rdiff_p_holm[gr] <- p.adjust(out$rdiff_p[gr], "holm")
  out$group[is.na(out$group)] <- -1L
  out
}

expected <- list(); meta <- list(); errors <- list(); alpha <- list()
for (ds in datasets) {
  cat("dataset", ds$name, "\n")
  dz <- designs(ds)
  d <- ds$d
  # The data with R's weights.
  out <- d[c("agency", "domain", "size", "sampled", paste0("q", 1:5), "index")]
  for (wt in c("base", "poststrat", "rake")) {
    col <- rep(NA_real_, nrow(d)); col[d$sampled == 1] <- weights(dz$des[[wt]])
    out[[paste0("w_", wt)]] <- col
  }
  write_rows(out, paste0(ds$name, "_data.csv"))
  pop <- rbind(data.frame(kind = "agency", i = 0:(ds$A - 1), j = -1L, count = ds$popA),
               data.frame(kind = "agency_domain", i = rep(0:(ds$A - 1), ds$D),
                          j = rep(0:(ds$D - 1), each = ds$A), count = as.vector(ds$popAD)),
               data.frame(kind = "domain", i = 0:(ds$D - 1), j = -1L, count = ds$popD),
               data.frame(kind = "size", i = 0:(ds$S - 1), j = -1L, count = ds$popS))
  pop$count <- as.integer(pop$count)
  write_rows(pop, paste0(ds$name, "_pop.csv"))
  meta[[ds$name]] <- data.frame(dataset = ds$name, agencies = ds$A, domains = ds$D, sizes = ds$S,
                                points = POINTS, rake_iterations = dz$iterations)

  for (wt in names(dz$des)) for (ycol in c("q1", "index")) for (by in BYS) {
    e <- estimate(dz$des[[wt]], dz$data[[wt]], ycol, by, ds$D, ycol == "q1")
    expected[[length(expected) + 1]] <- cbind(data.frame(dataset = ds$name, weighting = wt,
                                                         measure = ycol, by = by), e)
  }

  # Failures: each is a change to the population and what R does with it.
  err_row <- function(case, kind, i, j, value, outcome)
    data.frame(dataset = ds$name, case = case, kind = kind, i = i, j = j, value = value,
               maxit = NA_integer_, r_outcome = outcome)
  outcome <- function(expr) tryCatch({ withCallingHandlers(expr, warning = function(w) stop("warning: ", conditionMessage(w))); "ok" },
                                     error = function(e) gsub("[,\n]", " ", conditionMessage(e)))
  # An agency x domain cell with encounters but no response.
  ad <- which(ds$popAD == 0 & row(ds$popAD) %in% (unique(d$agency[d$sampled == 1]) + 1), arr.ind = TRUE)[1, ]
  pa <- dz$popAD; k <- which(as.integer(pa$fa) == ad[1] & as.integer(pa$fd) == ad[2]); pa$Freq[k] <- 7
  errors[[length(errors) + 1]] <- err_row("poststrat_empty_cell", "agency_domain", ad[1] - 1, ad[2] - 1, 7,
                                          outcome(postStratify(dz$base_design, ~fa + fd, pa)))
  # Responses in a cell without population.
  pa <- dz$popAD; k <- which(pa$Freq > 0)[1]; pa$Freq[k] <- 0
  errors[[length(errors) + 1]] <- err_row("poststrat_no_population", "agency_domain",
                                          as.integer(pa$fa[k]) - 1, as.integer(pa$fd[k]) - 1, 0,
                                          outcome(postStratify(dz$base_design, ~fa + fd, pa)))
  # Raking stopped one pass early.
  r <- err_row("rake_not_converged", "none", -1, -1, 0,
               outcome(dz$rk(dz$iterations - 1)))
  r$maxit <- dz$iterations - 1L
  errors[[length(errors) + 1]] <- r
  # A size margin whose total differs from the others: never converges in R.
  mg <- dz$margins; mg[[3]]$Freq[1] <- mg[[3]]$Freq[1] + 10
  errors[[length(errors) + 1]] <- err_row("rake_margins", "size", 0, -1, ds$popS[1] + 10,
    outcome(rake(dz$base_design, list(~fa, ~fd, ~fs), mg, control = list(maxit = 100, epsilon = 1e-13))))
  # A domain with encounters but no response, moved from another domain.
  mg <- dz$margins; absent <- which(ds$popD == 0)
  if (length(absent)) {
    mg[[2]]$Freq[absent[1]] <- 5; big <- which.max(mg[[2]]$Freq); mg[[2]]$Freq[big] <- mg[[2]]$Freq[big] - 5
    errors[[length(errors) + 1]] <- err_row("rake_empty_cell", "domain", absent[1] - 1, -1, 5,
      outcome(rake(dz$base_design, list(~fa, ~fd, ~fs), mg, control = RAKE_CONTROL)))
  }

  # Cronbach's alpha of q1..q5, unweighted, complete cases.
  X <- na.omit(as.matrix(d[paste0("q", 1:5)]))
  k <- ncol(X)
  alpha[[ds$name]] <- data.frame(dataset = ds$name, items = "q1 q2 q3 q4 q5", n_complete = nrow(X),
                                 alpha = k / (k - 1) * (1 - sum(apply(X, 2, var)) / var(rowSums(X))))
}

write_rows(do.call(rbind, expected), "expected.csv")
write_rows(do.call(rbind, meta), "meta.csv")
write_rows(do.call(rbind, errors), "errors.csv")
write_rows(do.call(rbind, alpha), "alpha.csv")

# ---------------------------------------------------------------- helpers
set.seed(3)
qt_cases <- expand.grid(p = c(0.005, 0.025, 0.05, 0.95, 0.975, 0.995),
                        df = c(1, 2, 3, 7, 29, 120, 861, 100000))
qt_cases$q <- qt(qt_cases$p, qt_cases$df)
write_rows(qt_cases, "qt.csv")
pt_cases <- rbind(expand.grid(t = c(0, 0.3, -1.7, 2.5, -4, 8), df = c(1, 2, 5, 29, 300, 2000)),
                  # the far tail, where p values of 1e-20 to 1e-250 must keep their digits
                  expand.grid(t = c(14.2078268580831, -21.612494779689541, 40, -100),
                              df = c(5, 59, 300, 2000)))
pt_cases$p <- 2 * pt(-abs(pt_cases$t), pt_cases$df)
write_rows(pt_cases, "pt.csv")
holm_in <- list(runif(12)^3, c(0.01, 0.04, 0.03, 0.005, NA, 0.5, 0.04),
                c(0.2, 0.2, 0.2), c(1e-10, 0.9, 0.6, 0.3, 0.01, 0.02, 0.03, 0.04), 0.03)
holm <- do.call(rbind, lapply(seq_along(holm_in), function(i)
  data.frame(case = i, p = holm_in[[i]], adj = p.adjust(holm_in[[i]], "holm"))))
write_rows(holm, "holm.csv")
ind <- data.frame(est1 = c(3.9, 70.2, 0.81), se1 = c(0.05, 1.3, 0.02), est2 = c(3.7, 71, 0.74),
                  se2 = c(0.07, 0.9, 0.025), df = c(400, 29, 1500), level = c(0.95, 0.9, 0.95))
ind$diff <- ind$est1 - ind$est2
ind$se <- sqrt(ind$se1^2 + ind$se2^2)
ind$p <- 2 * pt(-abs(ind$diff / ind$se), ind$df)
ind$lim_low <- ind$est2 + qt((1 - ind$level) / 2, ind$df) * ind$se
ind$lim_high <- ind$est2 + qt(1 - (1 - ind$level) / 2, ind$df) * ind$se
write_rows(ind, "indep.csv")
cat("done\n")
