# make_officers.R — what R's survey package (Debian r-cran-survey 4.1) says
# about satisfaction per officer, for tests/integration/test_officers.sh.
#
#   python3 tests/officers/make_data.py       # only to change the data
#   Rscript tests/officers/make_officers.R    # from the top of the checkout
#
# Data: the answers of tests/stats/e2e/responses.csv, the encounters of
# tests/officers/encounters.csv (the e2e encounters, with the officers each
# names) and the survey surveys/enforcement-enterprise.json.  As CONTRACT §5
# and include/officer_stats.h say, independently of manyi's code:
#
#   y        the index: per respondent 100 sum_j a_j (x_j - 1)/(points - 1)
#            / sum_j a_j over the answered items with a_j > 0
#   date     the encounter's occurred_on; a public-channel answer's date is
#            submitted_at in UTC+8
#   none     svydesign(ids=~1, data=every answer of the period)
#   base     svydesign(ids=~1, strata=~agency, weights=~w, fpc=~N_h,
#            data=answers with an encounter), N_h the agency's encounters of
#            the period, w = N_h / n_h
#   officer  named <- the answer's encounter names the officer;
#            est <- svyby(~index, ~named, des, svymean, na.rm=TRUE), its TRUE
#            row; confint(est, df=degf(des), level=level)
#
# Writes expected.csv (17 significant digits): one row per case and officer
# named by an answer of the period: case, weighting, from, to, level,
# cert_no, n, wsum, mean, se, df, ci_low, ci_high.

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "adjust", warn = 1)

dir <- "tests/officers"
if (!dir.exists(dir)) stop("run from the top of the checkout")

sv <- fromJSON("surveys/enforcement-enterprise.json", simplifyVector = FALSE)
POINTS <- sv$scale$points
items <- Filter(function(it) it$type == "scale" && !is.null(it$index_weight) &&
                  it$index_weight > 0, sv$items)
IDS <- vapply(items, function(it) it$id, "")
W <- vapply(items, function(it) as.numeric(it$index_weight), 0)

rd <- function(f) read.csv(f, colClasses = "character", na.strings = character(0),
                           encoding = "UTF-8")
enc <- rd(file.path(dir, "encounters.csv"))
enc$date <- as.Date(enc$occurred_on)
resp <- rd("tests/stats/e2e/responses.csv")

utc8_date <- function(s) {
  t <- as.POSIXct(substr(s, 1, 19), format = "%Y-%m-%dT%H:%M:%S", tz = "UTC")
  z <- substring(s, 20)
  off <- ifelse(z == "Z", 0, ifelse(substr(z, 1, 1) == "-", -1, 1) *
                  (as.integer(substr(z, 2, 3)) * 3600 + as.integer(substr(z, 5, 6)) * 60))
  as.Date(format(t - off + 8 * 3600, "%Y-%m-%d", tz = "UTC"))
}

linked <- resp$encounter_id != ""
m <- match(resp$encounter_id, enc$encounter_id)
d_all <- data.frame(linked = linked,
                    agency = ifelse(linked, enc$agency[m], resp$agency),
                    officers = ifelse(linked, enc$officers[m], ""),
                    stringsAsFactors = FALSE)
d_all$date <- as.Date(ifelse(linked, as.character(enc$date[m]),
                             as.character(utc8_date(resp$submitted_at))))
X <- sapply(IDS, function(id) {
  v <- resp[[id]]
  ifelse(v %in% c("", "na"), NA, suppressWarnings(as.numeric(v)))
})
numer <- rowSums(sweep((X - 1) / (POINTS - 1), 2, W, "*"), na.rm = TRUE)
denom <- rowSums(sweep(!is.na(X), 2, W, "*"))
d_all$index <- ifelse(denom > 0, 100 * numer / denom, NA)
named_list <- strsplit(d_all$officers, ";", fixed = TRUE)

in_period <- function(date, from, to)
  (is.na(from) | date >= as.Date(from)) & (is.na(to) | date <= as.Date(to))

cases <- data.frame(
  case = c("o1", "o2", "o3", "o4"),
  weighting = c("base", "none", "base", "none"),
  from = c(NA, NA, "2022-04-01", "2022-03-01"),
  to = c(NA, NA, "2022-09-30", NA),
  level = c(0.95, 0.95, 0.9, 0.99),
  stringsAsFactors = FALSE)

out <- list()
for (k in seq_len(nrow(cases))) {
  cs <- cases[k, ]
  keep <- in_period(d_all$date, cs$from, cs$to)
  if (cs$weighting == "base") keep <- keep & d_all$linked
  d <- d_all[keep, ]
  nl <- named_list[keep]
  if (cs$weighting == "none") {
    des <- suppressWarnings(svydesign(ids = ~1, data = d))
  } else {
    e <- enc[in_period(enc$date, cs$from, cs$to), ]
    d$N_h <- as.vector(table(e$agency)[d$agency])
    d$w <- d$N_h / ave(d$N_h, d$agency, FUN = length)
    des <- svydesign(ids = ~1, strata = ~agency, weights = ~w, fpc = ~N_h, data = d)
  }
  for (o in sort(unique(unlist(nl)))) {
    has_o <- vapply(nl, function(x) o %in% x, TRUE)
    dn <- update(des, named = has_o)
    est <- svyby(~index, ~named, dn, svymean, na.rm = TRUE)
    ci <- confint(est, df = degf(dn), level = cs$level)
    row <- est[as.character(est$named) == "TRUE", ]
    present <- has_o & !is.na(d$index)
    out[[length(out) + 1]] <- data.frame(
      case = cs$case, weighting = cs$weighting,
      from = ifelse(is.na(cs$from), "", cs$from), to = ifelse(is.na(cs$to), "", cs$to),
      level = cs$level, cert_no = o, n = sum(present),
      wsum = sum(weights(dn)[present]),
      mean = row$index, se = row$se, df = degf(dn),
      ci_low = ci["TRUE", 1], ci_high = ci["TRUE", 2], stringsAsFactors = FALSE)
  }
}
res <- do.call(rbind, out)
for (f in c("wsum", "mean", "se", "ci_low", "ci_high"))
  res[[f]] <- ifelse(is.finite(res[[f]]), trimws(formatC(res[[f]], digits = 17, format = "g")), "")
write.csv(res, file.path(dir, "expected.csv"), row.names = FALSE, na = "")
cat(nrow(res), "rows written to", file.path(dir, "expected.csv"), "\n")
