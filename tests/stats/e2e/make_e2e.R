# make_e2e.R — what R's survey package (Debian r-cran-survey 4.1) says about
# the end-to-end dataset, for tests/integration/test_stats_e2e.sh.
#
#   apt-get install -y r-cran-survey r-cran-jsonlite
#   python3 tests/stats/e2e/make_data.py        # only to change the data
#   Rscript tests/stats/e2e/make_e2e.R          # from the top of the checkout
#
# It reads the very files the test imports into manyi (encounters.csv,
# responses.csv) and the survey definition, builds every design from them
# as CONTRACT §5 says, independently of manyi's code:
#
#   the date of an answer   the encounter's occurred_on; for a public-channel
#                           answer (no encounter_id) the date of submitted_at
#                           in UTC+8
#   a period [from, to]     the answers dated within it, and the encounters
#                           that occurred within it (N_h and every margin)
#   y                       a scale item ("na" = missing); ITEM.OPTION of a multi-choice
#                           item: 1 chosen, 0 answered without it, NA unanswered (no rate,
#                           no index); or the index: per
#                           respondent 100 sum_j a_j (x_j - 1)/(points - 1) /
#                           sum_j a_j over the answered items with a_j > 0
#   none                    svydesign(ids=~1, data=every answer)
#   base                    svydesign(ids=~1, strata=~agency, weights=~w,
#                           fpc=~N_h, data=answers with an encounter),
#                           w = N_h / n_h
#   poststrat               postStratify(base, ~agency+domain, encounters by
#                           agency x domain)
#   rake                    rake(base, list(~agency,~domain,~size), encounters
#                           by agency, by domain, by size,
#                           control=list(maxit=1000, epsilon=1e-13))
#
# and writes, with 17 significant digits, as RFC 4180 CSV (text cells quoted:
# `by` holds "agency,domain"), an empty cell = missing / JSON null (about two
# and a half minutes on a 2-core machine):
#
#   cases.csv     one row per `manyi stats` call: its options, whether R could
#                 estimate it (else R's error and the cells it names), and the
#                 top-level figures (raking passes, Cronbach's alpha, the
#                 previous period and whether it could be estimated)
#   expected.csv  one row per case and group (group "overall" for the overall
#                 row): every field of the JSON, the comparisons with the
#                 overall figure (vo_*, ro_* for the rate) and with the
#                 previous period (vp_*, rp_* for the rate)
#
# How each figure is obtained:
#   mean, se      svymean(~y, des, na.rm=TRUE) / svyby(~y, ~g, des, svymean,
#                 na.rm=TRUE)
#   ci_*          confint(est, df=degf(des), level=level)
#   rate, rate_se, rate_ci_*
#                 svyciprop(~sat, des[g, ], method="xlogit", df=degf(des),
#                 level=level, na.rm=TRUE); NA when every answer of the group
#                 is alike (rate 0 or 1: the interval is undefined)
#   index         100 (mean - 1)/(points - 1) for an item; the mean for index
#   n_eff, low_n  sum(w)^2 / sum(w^2); n or n_eff below 30 (n_eff by more than
#                 a relative 1e-9)
#   vo_*          group mean minus overall mean; se from svyrecvar() of the
#                 difference of the two influence vectors on the full design
#                 (postStrata included); t; p = 2 pt(-|t|, degf); Holm over the
#                 groups (p.adjust); significant = p_holm < 1 - level, NA
#                 for a group with low_n (no verdict on so few answers); funnel
#                 = overall mean + qt((1 -/+ level)/2, degf) se
#   vp_*          with --from and --to: the same estimate on the previous
#                 period (whole months: as many whole months before; else as
#                 many days), ending the day before --from (its
#                 own design, N_h and margins); diff = this - previous, se =
#                 sqrt(se^2 + se_prev^2), df = min of the two degf, Holm over
#                 the groups (significant NA when this row or the previous
#                 one has low_n), funnel around the previous mean; a group absent
#                 from the previous period has previous_n 0 and NA figures
#   alpha         Cronbach's alpha of the index items over every answer of the
#                 period with all of them answered, unweighted

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "adjust", warn = 1)
if (packageVersion("survey") < "4.1") stop("survey >= 4.1 needed")

dir <- "tests/stats/e2e"
if (!dir.exists(dir)) stop("run from the top of the checkout")
RAKE_CONTROL <- list(maxit = 1000, epsilon = 1e-13)
LOW_N <- 30

# ---------------------------------------------------------------- the survey
sv <- fromJSON("surveys/enforcement-enterprise.json", simplifyVector = FALSE)
POINTS <- sv$scale$points
SATISFIED <- unlist(sv$scale$satisfied)
scale_items <- Filter(function(it) it$type == "scale", sv$items)
index_items <- Filter(function(it) !is.null(it$index_weight) && it$index_weight > 0, scale_items)
INDEX_IDS <- vapply(index_items, function(it) it$id, "")
INDEX_W <- vapply(index_items, function(it) as.numeric(it$index_weight), 0)

# ---------------------------------------------------------------- the data
enc <- read.csv(file.path(dir, "encounters.csv"), colClasses = "character",
                na.strings = character(0), encoding = "UTF-8")
enc$outcome[enc$outcome == ""] <- NA
enc$date <- as.Date(enc$occurred_on)
resp <- read.csv(file.path(dir, "responses.csv"), colClasses = "character",
                 na.strings = character(0), encoding = "UTF-8")

utc8_date <- function(s) {
  t <- as.POSIXct(substr(s, 1, 19), format = "%Y-%m-%dT%H:%M:%S", tz = "UTC")
  z <- sub("^\\.[0-9]+", "", substring(s, 20))
  off <- ifelse(z == "Z", 0, ifelse(substr(z, 1, 1) == "-", -1, 1) *
                  (as.integer(substr(z, 2, 3)) * 3600 + as.integer(substr(z, 5, 6)) * 60))
  as.Date(format(t - off + 8 * 3600, "%Y-%m-%d", tz = "UTC"))
}

linked <- resp$encounter_id != ""
m <- match(resp$encounter_id, enc$encounter_id)
stopifnot(all(!is.na(m[linked])))
d_all <- data.frame(
  linked = linked,
  agency = ifelse(linked, enc$agency[m], resp$agency),
  domain = ifelse(linked, enc$domain[m], resp$domain),
  size = ifelse(linked, enc$size[m], ifelse(resp$size == "", NA, resp$size)),
  district = ifelse(linked, enc$district[m], NA),
  outcome = ifelse(linked, enc$outcome[m], NA),
  channel = resp$channel,
  stringsAsFactors = FALSE)
d_all$date <- as.Date(ifelse(linked, as.character(enc$date[m]),
                             as.character(utc8_date(resp$submitted_at))))
d_all$month <- format(d_all$date, "%Y-%m")
d_all$quarter <- paste0(format(d_all$date, "%Y"), "-Q", (as.integer(format(d_all$date, "%m")) + 2) %/% 3)
d_all$year <- format(d_all$date, "%Y")
for (it in scale_items) {
  v <- resp[[it$id]]
  d_all[[it$id]] <- ifelse(v %in% c("", "na"), NA, suppressWarnings(as.numeric(v)))
}
# A multi-choice option, measure ITEM.OPTION: 1 when the respondent chose it,
# 0 when the item was answered without it, NA when the item was not answered
# (options separated by ";" in the CSV, empty = not answered).
for (it in Filter(function(it) it$type == "multi", sv$items)) {
  v <- resp[[it$id]]
  for (o in it$options) {
    chosen <- vapply(strsplit(v, ";", fixed = TRUE), function(x) o$value %in% x, TRUE)
    d_all[[paste0(it$id, ".", o$value)]] <- ifelse(v == "", NA, as.numeric(chosen))
  }
}
X <- as.matrix(d_all[INDEX_IDS])
numer <- rowSums(sweep((X - 1) / (POINTS - 1), 2, INDEX_W, "*"), na.rm = TRUE)
denom <- rowSums(sweep(!is.na(X), 2, INDEX_W, "*"))
d_all$index <- ifelse(denom > 0, 100 * numer / denom, NA)

AGENCIES <- sort(unique(c(enc$agency, d_all$agency)))
DOMAINS <- sort(unique(c(enc$domain, d_all$domain)))
SIZES <- sort(unique(enc$size))

# ---------------------------------------------------------------- designs
in_period <- function(date, from, to)
  (is.na(from) | date >= as.Date(from)) & (is.na(to) | date <= as.Date(to))

# R's error message without line breaks (and what postStratify printed).
clean <- function(s) gsub("[\r\n,]+", " ", trimws(s))

rake_cache <- new.env()

# The design of one weighting and period, or list(error = message).
make_design <- function(weighting, from, to) {
  d <- d_all[in_period(d_all$date, from, to), ]
  e <- enc[in_period(enc$date, from, to), ]
  d$fa <- factor(d$agency, AGENCIES)
  d$fd <- factor(d$domain, DOMAINS)
  d$fs <- factor(d$size, SIZES)
  if (weighting == "none") {
    if (nrow(d) == 0) return(list(error = "no response in the design"))
    return(list(des = suppressWarnings(svydesign(ids = ~1, data = d)), data = d))
  }
  s <- d[d$linked, ]
  if (nrow(s) == 0) return(list(error = "no response in the design"))
  popA <- table(factor(e$agency, AGENCIES))
  s$N_h <- as.vector(popA[s$agency])
  s$w <- s$N_h / ave(s$N_h, s$agency, FUN = length)
  base <- svydesign(ids = ~1, strata = ~fa, weights = ~w, fpc = ~N_h, data = s)
  if (weighting == "base") return(list(des = base, data = s))
  # postStratify() prints the offending cells before it stops, but misaligned
  # (it indexes the merged table with a vector computed before dropping the
  # empty rows), so the cells are found here from the counts: the population
  # cells with encounters and no answer (agency x domain for poststrat; the
  # first margin that has one, in the order agency, domain, size, for rake).
  empty <- function(vars) {
    pop <- table(lapply(vars, function(v) factor(e[[v$col]], v$lev)))
    smp <- table(lapply(vars, function(v) factor(s[[v$col]], v$lev)))
    k <- which(pop > 0 & smp == 0, arr.ind = length(vars) > 1)
    if (length(vars) == 1) return(names(pop)[k])
    apply(k, 1, function(r) paste(vars[[1]]$lev[r[1]], vars[[2]]$lev[r[2]], sep = " x "))
  }
  VA <- list(col = "agency", lev = AGENCIES); VD <- list(col = "domain", lev = DOMAINS)
  VS <- list(col = "size", lev = SIZES)
  cells <- if (weighting == "poststrat") empty(list(VA, VD)) else {
    c1 <- empty(list(VA)); c2 <- empty(list(VD)); c3 <- empty(list(VS))
    if (length(c1)) c1 else if (length(c2)) c2 else c3
  }
  attempt <- function(expr) {
    out <- NULL
    capture.output(out <- tryCatch(expr, error = function(err) err))
    out
  }
  if (weighting == "poststrat") {
    pop <- as.data.frame(table(fa = factor(e$agency, AGENCIES), fd = factor(e$domain, DOMAINS)))
    des <- attempt(postStratify(base, ~fa + fd, pop))
  } else {
    margins <- list(as.data.frame(table(fa = factor(e$agency, AGENCIES))),
                    as.data.frame(table(fd = factor(e$domain, DOMAINS))),
                    as.data.frame(table(fs = factor(e$size, SIZES))))
    rk <- function(maxit) rake(base, list(~fa, ~fd, ~fs), margins,
                               control = list(maxit = maxit, epsilon = RAKE_CONTROL$epsilon))
    des <- attempt(withCallingHandlers(rk(RAKE_CONTROL$maxit), warning = function(w)
      stop("raking did not converge: ", conditionMessage(w))))
    if (!inherits(des, "error")) {
      key <- paste(from, to)
      if (is.null(rake_cache[[key]])) {
        # R does not report raking passes: the smallest maxit without a warning.
        warns <- function(m) {
          w <- FALSE
          withCallingHandlers(rk(m), warning = function(c) { w <<- TRUE; invokeRestart("muffleWarning") })
          w
        }
        lo <- 1; hi <- RAKE_CONTROL$maxit
        while (lo < hi) { mid <- (lo + hi) %/% 2; if (warns(mid)) lo <- mid + 1 else hi <- mid }
        rake_cache[[key]] <- lo
      }
      attr(des, "iterations") <- rake_cache[[key]]
    }
  }
  if (inherits(des, "error"))
    return(list(error = clean(conditionMessage(des)), cells = paste(cells, collapse = ";")))
  stopifnot(length(cells) == 0)
  list(des = des, data = s, iterations = attr(des, "iterations"))
}

# ---------------------------------------------------------------- estimates
source("tests/stats/helpers.R")  # influence(), recvar(), rel()
# Agreement of two variances, one of which may be rounding noise around 0.
same_var <- function(a, b) rel(a, b) < 1e-9 || max(abs(a), abs(b)) < 1e-24
NULLKEY <- "~"   # a group value that is missing (JSON null)

group_key <- function(d, by) {
  if (length(by) == 0) return(NULL)
  parts <- lapply(by, function(b) ifelse(is.na(d[[b]]), NULLKEY, d[[b]]))
  do.call(paste, c(parts, sep = "|"))
}

cmp_cols <- c("diff", "se", "t", "p", "p_holm", "significant", "funnel_low", "funnel_high")
FIELDS <- c("n", "wsum", "mean", "se", "df", "ci_low", "ci_high", "rate", "rate_se",
            "rate_ci_low", "rate_ci_high", "index", "n_eff", "low_n",
            paste0("vo_", cmp_cols), paste0("ro_", cmp_cols),
            paste0("vp_", c(cmp_cols, "previous_mean", "previous_n")),
            paste0("rp_", c(cmp_cols, "previous_rate", "previous_n")))

# Every figure of one design, measure and grouping: a data frame, one row per
# group ("overall" first).
estimate <- function(D, measure, by, level) {
  des <- D$des; d <- D$data
  y <- d[[measure]]
  has_rate <- measure != "index" && !grepl(".", measure, fixed = TRUE)  # ITEM.OPTION: a share, no rate
  sat <- if (has_rate) ifelse(is.na(y), NA, as.numeric(y %in% SATISFIED)) else rep(NA_real_, nrow(d))
  g <- group_key(d, by)
  w <- weights(des)
  df <- degf(des)
  present <- !is.na(y)
  groups <- if (is.null(g)) character(0) else sort(unique(g))
  ng <- vapply(groups, function(k) sum(present & g == k), 0)
  ok_groups <- groups[ng > 0]
  geff <- if (is.null(g)) rep(NA, nrow(d)) else ifelse(g %in% ok_groups, g, NA)
  des <- update(des, y = y, sat = sat, geff = geff)
  q <- qt(c((1 - level) / 2, 1 - (1 - level) / 2), df)

  ov <- svymean(~y, des, na.rm = TRUE)
  x0 <- influence(y, w, rep(TRUE, length(y)))
  stopifnot(same_var(recvar(des, x0), vcov(ov)[1]))
  r0x <- if (has_rate) influence(sat, w, rep(TRUE, length(y)))
  rate0 <- if (has_rate) sum(sat[present] * w[present]) / sum(w[present]) else NA

  one <- function(k, inside, m, se, ci) {
    row <- as.data.frame(setNames(rep(list(NA_real_), length(FIELDS)), FIELDS))
    row$group <- k
    n <- sum(inside & present)
    row$n <- n
    row$wsum <- sum(w[inside & present])
    row$df <- df
    row$low_n <- 1
    if (n == 0) return(row)
    row$mean <- m; row$se <- se
    row$ci_low <- ci[1]; row$ci_high <- ci[2]
    row$index <- if (has_rate) 100 * (m - 1) / (POINTS - 1) else if (measure == "index") m else NA
    wi <- w[inside & present]
    row$n_eff <- sum(wi)^2 / sum(wi^2)
    row$low_n <- as.numeric(n < LOW_N || row$n_eff < LOW_N * (1 - 1e-9))
    if (has_rate) {
      sub <- if (k == "overall") des else des[!is.na(geff) & geff == k, ]
      r <- svyciprop(~sat, sub, method = "xlogit", df = df, level = level, na.rm = TRUE)
      row$rate <- coef(r)[[1]]; row$rate_se <- SE(r)[[1]]
      ci <- as.vector(attr(r, "ci"))
      s_in <- sat[inside & present]
      if (all(s_in == s_in[1])) ci <- c(NA, NA)   # rate 0 or 1: undefined
      row$rate_ci_low <- ci[1]; row$rate_ci_high <- ci[2]
    }
    if (k != "overall") {
      xg <- influence(y, w, inside)
      stopifnot(same_var(recvar(des, xg), se^2))   # svyby's se is this linearization
      fill <- function(row, p, diff, se) {
        row[[paste0(p, "diff")]] <- diff
        row[[paste0(p, "se")]] <- se
        row[[paste0(p, "t")]] <- diff / se
        row[[paste0(p, "p")]] <- 2 * pt(-abs(diff / se), df)
        row
      }
      row <- fill(row, "vo_", m - coef(ov)[[1]], sqrt(recvar(des, xg - x0)))
      row$vo_funnel_low <- coef(ov)[[1]] + q[1] * row$vo_se
      row$vo_funnel_high <- coef(ov)[[1]] + q[2] * row$vo_se
      if (has_rate) {
        rg <- influence(sat, w, inside)
        row <- fill(row, "ro_", row$rate - rate0, sqrt(recvar(des, rg - r0x)))
        row$ro_funnel_low <- rate0 + q[1] * row$ro_se
        row$ro_funnel_high <- rate0 + q[2] * row$ro_se
      }
    }
    row
  }
  rows <- list(one("overall", rep(TRUE, length(y)), coef(ov)[[1]], SE(ov)[[1]],
                   as.vector(confint(ov, df = df, level = level))))
  est <- NULL
  if (length(ok_groups)) {
    est <- svyby(~y, ~geff, des, svymean, na.rm = TRUE)
    cis <- confint(est, df = df, level = level)
  }
  for (k in groups) {
    inside <- g == k
    i <- if (is.null(est)) NA else match(k, as.character(est$geff))
    rows[[length(rows) + 1]] <- if (is.na(i)) one(k, inside, NA, NA, NULL)
                                else one(k, inside, est$y[i], est$se[i], as.vector(cis[i, ]))
  }
  out <- do.call(rbind, rows)
  gr <- out$group != "overall"
  holm <- function(p) { p[gr] <- p.adjust(p[gr], "holm"); p[!gr] <- NA; p }
  out$vo_p_holm <- holm(out$vo_p)
  # No verdict (NA) for a group under the publication threshold.
  sig <- function(p) ifelse(!gr | out$low_n == 1, NA, ifelse(is.na(p), 0, as.numeric(p < 1 - level)))
  out$vo_significant <- sig(out$vo_p_holm)
  if (has_rate) {
    out$ro_p_holm <- holm(out$ro_p)
    out$ro_significant <- sig(out$ro_p_holm)
  }
  out
}

# This period against the previous one (two independent samples).
vs_previous <- function(cur, prev, level, has_rate) {
  df <- min(cur$df[1], prev$df[1])
  q <- qt(c((1 - level) / 2, 1 - (1 - level) / 2), df)
  i <- match(cur$group, prev$group)
  # No verdict (NA) when this row or the previous one (absent: no answer)
  # is under the publication threshold.
  withheld <- cur$low_n == 1 | is.na(prev$low_n[i]) | prev$low_n[i] == 1
  one <- function(p, est, se, pest, pse, pn, pname) {
    cur[[paste0(p, "diff")]] <<- est - pest
    cur[[paste0(p, "se")]] <<- sqrt(se^2 + pse^2)
    t <- cur[[paste0(p, "diff")]] / cur[[paste0(p, "se")]]
    cur[[paste0(p, "t")]] <<- t
    pv <- 2 * pt(-abs(t), df)
    cur[[paste0(p, "p")]] <<- pv
    gr <- cur$group != "overall"
    ph <- pv
    ph[gr] <- p.adjust(pv[gr], "holm")
    cur[[paste0(p, "p_holm")]] <<- ph
    cur[[paste0(p, "significant")]] <<- ifelse(withheld, NA, ifelse(is.na(ph), 0, as.numeric(ph < 1 - level)))
    cur[[paste0(p, "funnel_low")]] <<- pest + q[1] * cur[[paste0(p, "se")]]
    cur[[paste0(p, "funnel_high")]] <<- pest + q[2] * cur[[paste0(p, "se")]]
    cur[[paste0(p, pname)]] <<- pest
    cur[[paste0(p, "previous_n")]] <<- ifelse(is.na(pn), 0, pn)
  }
  one("vp_", cur$mean, cur$se, prev$mean[i], prev$se[i], prev$n[i], "previous_mean")
  if (has_rate)
    one("rp_", cur$rate, cur$rate_se, prev$rate[i], prev$rate_se[i], prev$n[i], "previous_rate")
  cur
}

cronbach <- function(d) {
  X <- na.omit(as.matrix(d[INDEX_IDS]))
  k <- ncol(X)
  a <- if (nrow(X) >= 2) k / (k - 1) * (1 - sum(apply(X, 2, var)) / var(rowSums(X))) else NA
  list(alpha = a, n = nrow(X))
}

# ---------------------------------------------------------------- cases
cases <- list()
add <- function(weighting, measure, by = character(0), from = NA, to = NA, level = 0.95)
  cases[[length(cases) + 1]] <<- list(weighting = weighting, measure = measure, by = by,
                                      from = from, to = to, level = level)
W <- c("none", "base", "poststrat", "rake")
M <- c("index", "overall", "legality")
# The whole data: every weighting and measure, by nothing, agency, and
# agency x domain; the other groupings for one measure each.
for (w in W) {
  for (m in M) for (by in list(character(0), "agency", c("agency", "domain"))) add(w, m, by)
  for (by in c("domain", "size", "month", "quarter")) add(w, "index", by)
  add(w, "legality", "size")
  add(w, "overall", "month")
}
# The second half of 2022 against the first.
for (w in W) {
  for (m in c("overall", "legality")) for (by in list(character(0), "agency"))
    add(w, m, by, "2022-07-01", "2022-12-31")
  for (by in list(c("agency", "domain"), "district")) add(w, "index", by, "2022-07-01", "2022-12-31")
  add(w, "overall", "outcome", "2022-07-01", "2022-12-31")
}
# Q2 against Q1, at level 0.9.
for (w in W) {
  for (m in c("legality", "index")) for (by in list(character(0), "agency"))
    add(w, m, by, "2022-04-01", "2022-06-30", 0.9)
  add(w, "legality", "domain", "2022-04-01", "2022-06-30", 0.9)
}
# Q3 against Q2.
for (w in c("base", "poststrat", "rake")) add(w, "overall", "agency", "2022-07-01", "2022-09-30")
# 92 days that are not whole months: the previous 92 days, 2022-03-30 to
# 2022-06-29, hold 2022-03-31, where A03 x agriculture has an encounter and
# no answer: the previous period cannot be post-stratified.
for (w in c("base", "poststrat", "rake")) add(w, "overall", "agency", "2022-06-30", "2022-09-29")
# March alone cannot be post-stratified (seven agency x domain cells have
# encounters and no answer, A03 x agriculture among them), nor raked (A10 has
# encounters and no answer).
for (w in c("poststrat", "rake", "base")) add(w, "index", character(0), "2022-03-01", "2022-03-31")
# The first half: its previous half-year holds two kiosk answers and no encounter.
for (w in c("none", "base")) for (by in list(character(0), "channel"))
  add(w, "overall", by, "2022-01-01", "2022-06-30")
# Other groupings and pairs.
add("none", "overall", c("channel", "quarter"))
add("none", "index", c("size", "district"))
add("none", "legality", "year")
add("base", "overall", c("district", "outcome"), level = 0.9)
# The share choosing an option of the multi-choice item (svyby(~I(opt),
# ~agency, des, svymean) with confint), under every weighting.
for (w in W) {
  for (by in list(character(0), "agency")) add(w, "problems.no_id", by)
  add(w, "problems.slow", c("agency", "domain"))
}
add("none", "problems.rude", "agency")
add("base", "problems.none", "size", "2022-07-01", "2022-12-31")
add("none", "problems.other", "month", level = 0.9)
add("rake", "index", c("agency", "size"))
add("poststrat", "civility", c("domain", "quarter"))
add("rake", "fairness", c("quarter", "domain"), "2022-01-01", "2022-12-31")
# From only / to only: no previous period.
add("base", "index", "agency", from = "2022-05-15")
add("rake", "overall", character(0), to = "2022-10-31")

# The period before [from, to]: whole calendar months (from the 1st of a
# month to the last day of a month) are followed by as many whole months
# before them (a month by the month before, a quarter by the quarter before,
# a year by the year before); any other period by as many days ending the
# day before from.
previous_period <- function(from, to) {
  f <- as.Date(from); t <- as.Date(to)
  if (format(f, "%d") == "01" && format(t + 1, "%d") == "01") {
    ym <- function(d) as.integer(format(d, "%Y")) * 12 + as.integer(format(d, "%m"))
    months <- ym(t + 1) - ym(f)
    c(seq(f, by = paste(-months, "months"), length.out = 2)[2], f - 1)
  } else {
    c(f - (as.integer(t - f) + 1), f - 1)
  }
}
stopifnot(previous_period("2022-02-01", "2022-02-28") == as.Date(c("2022-01-01", "2022-01-31")),
          previous_period("2022-03-01", "2022-03-31") == as.Date(c("2022-02-01", "2022-02-28")),
          previous_period("2022-04-01", "2022-06-30") == as.Date(c("2022-01-01", "2022-03-31")),
          previous_period("2022-01-01", "2022-12-31") == as.Date(c("2021-01-01", "2021-12-31")),
          previous_period("2022-03-10", "2022-03-20") == as.Date(c("2022-02-27", "2022-03-09")))

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
case_rows <- list(); exp_rows <- list()
for (ci in seq_along(cases)) {
  cs <- cases[[ci]]
  id <- sprintf("c%03d", ci)
  info <- data.frame(case = id, weighting = cs$weighting, measure = cs$measure,
                     by = paste(cs$by, collapse = ","), from = ifelse(is.na(cs$from), "", cs$from),
                     to = ifelse(is.na(cs$to), "", cs$to), level = as.character(cs$level), status = "ok",
                     error = "", error_cells = "", rake_iterations = 0,
                     cronbach_alpha = NA, alpha_n = NA, prev_from = "", prev_to = "",
                     prev_status = "", prev_error = "", prev_cells = "", prev_df = NA,
                     prev_n = NA, prev_rake_iterations = NA, stringsAsFactors = FALSE)
  D <- make_design(cs$weighting, cs$from, cs$to)
  if (!is.null(D$error)) {
    info$status <- "error"; info$error <- D$error; info$error_cells <- ifelse(is.null(D$cells), "", D$cells)
    case_rows[[ci]] <- info
    cat(id, cs$weighting, cs$measure, info$by, cs$from, cs$to, "error:", D$error, "\n")
    next
  }
  if (!is.null(D$iterations)) info$rake_iterations <- D$iterations
  al <- cronbach(d_all[in_period(d_all$date, cs$from, cs$to), ])
  info$cronbach_alpha <- al$alpha; info$alpha_n <- al$n
  est <- estimate(D, cs$measure, cs$by, cs$level)
  if (!is.na(cs$from) && !is.na(cs$to)) {
    pp <- previous_period(cs$from, cs$to)
    pfrom <- pp[1]; pto <- pp[2]
    info$prev_from <- as.character(pfrom); info$prev_to <- as.character(pto)
    P <- make_design(cs$weighting, as.character(pfrom), as.character(pto))
    if (!is.null(P$error)) {
      info$prev_status <- "error"; info$prev_error <- P$error
      info$prev_cells <- ifelse(is.null(P$cells), "", P$cells)
    } else {
      prev <- estimate(P, cs$measure, cs$by, cs$level)
      info$prev_status <- "ok"; info$prev_df <- prev$df[1]; info$prev_n <- prev$n[1]
      info$prev_rake_iterations <- if (is.null(P$iterations)) 0 else P$iterations
      est <- vs_previous(est, prev, cs$level, cs$measure != "index" && !grepl(".", cs$measure, fixed = TRUE))
    }
  }
  case_rows[[ci]] <- info
  est$case <- id
  exp_rows[[ci]] <- est[c("case", "group", FIELDS)]
  cat(id, cs$weighting, cs$measure, info$by, cs$from, cs$to, nrow(est), "rows", info$prev_status, info$prev_error, "\n")
}

write_csv <- function(df, file) {
  for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- num(df[[j]])
  # RFC 4180: every text cell quoted, quotes doubled (by holds "agency,domain").
  write.table(df, file.path(dir, file), sep = ",", quote = TRUE, qmethod = "double",
              row.names = FALSE, na = "", fileEncoding = "UTF-8", eol = "\n")
}
write_csv(do.call(rbind, case_rows), "cases.csv")
write_csv(do.call(rbind, exp_rows), "expected.csv")
cat("done:", length(cases), "cases\n")
