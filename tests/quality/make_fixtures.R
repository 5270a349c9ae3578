# make_fixtures.R — a case registry, a review panel, paper reviews and the
# enforcement-quality figures R's survey package gives for them (CONTRACT §6),
# for tests/integration/test_quality.sh.
#
#   apt-get install -y r-cran-survey
#   Rscript tests/quality/make_fixtures.R      # from the top of the checkout
#
# Deterministic (set.seed(13)); writes under tests/quality/:
#   cases.csv      the registry: case_id,agency,domain,kind,decided_on,enterprise,outcome
#   reviewers.csv  the panel: code,name,affiliation,conflicts (';'-separated agencies)
#   reviews.csv    case_id,reviewer,submitted_at, then one column per item of
#                  surveys/case-review.json (points 0..max, flags yes/no, comment)
#   expected.csv   period,level,by,group, then n, mean, se, df, ci_low, ci_high,
#                  ok_rate, ok_rate_se, ok_rate_ci_low, ok_rate_ci_high
#   agreement.csv  files,icc1,icc1k,kappa (`manyi review agreement`, below)
#
# The design (CONTRACT §6): a file's total is the sum of its points averaged
# over its reviews; ok = 1 when no review flags a major defect;
#   des <- svydesign(ids=~1, strata=~agency, fpc=~N_h, data=files)
# N_h = cases registered for agency h decided within the period.  Each row:
#   mean, se        svymean(~total, subset(des, g == v))   (= svyby's domain estimate)
#   ci              confint(est, df=degf(des), level=level)
#   ok_rate...      svyciprop(~ok, subset(des, g == v), method="xlogit",
#                   df=degf(des), level=level); its se is sqrt(attr(, "var")).
#                   When every file of a group is alike (rate 0 or 1) the
#                   interval is undefined: NA here, null in manyi.
# Lonely strata (an agency with one reviewed file): options(survey.lonely.psu="adjust").
#
# Agreement (r-cran-psych): over the files with two or more reviews, the first
# two by submission time, a files x 2 matrix of totals and one of 0/1 "the
# review flags a major defect":
#   icc1, icc1k     psych::ICC(totals, lmer=FALSE), rows ICC1 and ICC1k
#   kappa           psych::cohen.kappa(flags)$kappa (unweighted)
# Numbers are printed with 17 significant digits; NA is missing.
suppressMessages(library(survey))
suppressMessages(library(jsonlite))
suppressMessages(library(psych))
options(survey.lonely.psu = "adjust")
set.seed(13)
out <- "tests/quality"

rubric <- fromJSON("surveys/case-review.json", simplifyVector = FALSE)
items <- rubric$items
points <- Filter(function(i) i$type == "points", items)
flags <- Filter(function(i) i$type == "flag", items)

# The registry: six agencies, each in its own domains (tools/demo/agency-domains.csv).
agency_domains <- list(A01 = c("market", "drugs"), A02 = "ecology", A03 = "urban",
                       A04 = "transport", A05 = "labour", A06 = "emergency")
N <- c(A01 = 40, A02 = 30, A03 = 25, A04 = 12, A05 = 8, A06 = 5)
n <- c(A01 = 12, A02 = 8, A03 = 6, A04 = 3, A05 = 1, A06 = 5)   # A05: lonely; A06: every case (fpc 0)
kinds <- c("penalty", "coercion", "inspection", "licence", "other")
outcomes <- c("penalised", "lighter", "mitigated", "exempted", "coercion_exempted",
              "not_penalised", "other")
cases <- do.call(rbind, lapply(names(N), function(a) {
	k <- N[[a]]
	data.frame(case_id = sprintf("%s-2025-%03d", a, seq_len(k)), agency = a,
	           domain = if (length(agency_domains[[a]]) > 1) sample(agency_domains[[a]], k, TRUE)
	                    else rep(agency_domains[[a]], k),
	           kind = sample(kinds, k, TRUE, prob = c(5, 2, 2, 1, 1)),
	           decided_on = format(as.Date("2025-01-01") + sample(0:364, k, TRUE)),
	           enterprise = sample(c("yes", "no"), k, TRUE, prob = c(3, 1)),
	           outcome = sample(outcomes, k, TRUE, prob = c(6, 2, 1, 2, 1, 1, 1)),
	           stringsAsFactors = FALSE)
}))
write.csv(cases, file.path(out, "cases.csv"), row.names = FALSE, quote = FALSE)

reviewers <- data.frame(code = sprintf("R%02d", 1:6),
                        name = c("王律师", "李教授", "张代表", "刘律师", "陈主任", "赵研究员"),
                        affiliation = c("湖北某律师事务所", "某大学法学院", "市人大常委会",
                                        "某律师事务所", "市市场监督管理局", "市生态环境局"),
                        conflicts = c("", "", "", "", "A01", "A02;A06"),
                        stringsAsFactors = FALSE)
write.csv(reviewers, file.path(out, "reviewers.csv"), row.names = FALSE, quote = FALSE)

# The sample: n_h files of each agency, a quarter of them reviewed twice, by
# reviewers without a conflict with the agency.
conflicted <- function(r, a) a %in% strsplit(reviewers$conflicts[reviewers$code == r], ";")[[1]]
rows <- list()
day <- 0
for (a in names(N)) {
	drawn <- sample(cases$case_id[cases$agency == a], n[[a]])
	quality <- runif(1, 0.6, 0.95)     # the agency's typical share of the points
	for (cid in drawn) {
		free <- Filter(function(r) !conflicted(r, a), reviewers$code)
		k <- if (runif(1) < 0.25) 2 else 1
		for (r in sample(free, k)) {
			day <- day + 1
			v <- list(case_id = cid, reviewer = r,
			          submitted_at = sprintf("2026-0%d-%02dT10:%02d:00+08:00", 1 + day %/% 28,
			                                 1 + day %% 28, day %% 60))
			for (it in points)
				v[[it$id]] <- min(it$max, max(0, round(it$max * rnorm(1, quality, 0.12))))
			for (it in flags)
				v[[it$id]] <- if (runif(1) < 0.02) "yes" else "no"
			v$comment <- if (runif(1) < 0.3) "卷宗目录不全, 送达回证缺签名" else ""
			rows[[length(rows) + 1]] <- as.data.frame(v, stringsAsFactors = FALSE)
		}
	}
}
reviews <- do.call(rbind, rows)
write.csv(reviews, file.path(out, "reviews.csv"), row.names = FALSE, na = "")

# The files: the mean total over their reviews, ok when no review flags a defect.
pts <- sapply(points, function(i) i$id)
fls <- sapply(flags, function(i) i$id)
reviews$total <- rowSums(reviews[, pts])
reviews$defect <- rowSums(reviews[, fls] == "yes") > 0
files <- do.call(rbind, lapply(split(reviews, reviews$case_id), function(r)
	data.frame(case_id = r$case_id[1], total = mean(r$total), ok = as.numeric(!any(r$defect)))))
files <- merge(files, cases, by = "case_id")

fmt <- function(x) ifelse(is.na(x) | !is.finite(x), "NA", trimws(formatC(x, digits = 17, format = "g")))
figures <- function(des, sub, level) {
	m <- svymean(~total, sub)
	ci <- confint(m, df = degf(des), level = level)
	p <- svyciprop(~ok, sub, method = "xlogit", df = degf(des), level = level)
	pci <- confint(p)
	rate <- as.numeric(coef(p))
	if (abs(rate - round(rate)) < 1e-12) pci <- c(NA, NA)
	c(n = nrow(sub$variables[sub$prob < Inf, , drop = FALSE]), mean = as.numeric(coef(m)),
	  se = as.numeric(SE(m)), df = degf(des), ci_low = ci[1], ci_high = ci[2],
	  ok_rate = rate, ok_rate_se = sqrt(as.numeric(attr(p, "var"))),
	  ok_rate_ci_low = pci[1], ok_rate_ci_high = pci[2])
}
periods <- list(all = c("0000-00-00", "9999-99-99"), q23 = c("2025-04-01", "2025-09-30"))
expected <- function(files, path) {
lines <- "period,level,by,group,n,mean,se,df,ci_low,ci_high,ok_rate,ok_rate_se,ok_rate_ci_low,ok_rate_ci_high"
for (pn in names(periods)) {
	pr <- periods[[pn]]
	inp <- function(d) d$decided_on >= pr[1] & d$decided_on <= pr[2]
	d <- files[inp(files), ]
	Nh <- table(cases$agency[inp(cases)])
	d$N_h <- as.numeric(Nh[d$agency])
	des <- svydesign(ids = ~1, strata = ~agency, fpc = ~N_h, data = d)
	for (level in c(0.95, 0.9)) {
		row <- function(by, g, sub) {
			f <- figures(des, sub, level)
			f["n"] <- sum(sub$prob < Inf)
			paste(c(pn, level, by, g, fmt(f)), collapse = ",")
		}
		lines <- c(lines, row("", "", des))
		for (by in c("agency", "domain", "kind", "outcome")) {
			for (g in sort(unique(d[[by]]))) {
				sub <- des[d[[by]] == g, ]   # the full design's strata, as svyby keeps them
				lines <- c(lines, row(by, g, sub))
			}
		}
	}
}
writeLines(lines, path)
}
expected(files, file.path(out, "expected.csv"))

rv <- reviews[order(reviews$case_id, reviews$submitted_at), ]
pairs <- Filter(function(r) nrow(r) >= 2, split(rv, rv$case_id))
totals <- t(sapply(pairs, function(r) r$total[1:2]))
flagged <- t(sapply(pairs, function(r) as.numeric(r$defect[1:2])))
ic <- ICC(totals, lmer = FALSE)$results
writeLines(c("files,icc1,icc1k,kappa",
             paste(c(nrow(totals), fmt(ic["Single_raters_absolute", "ICC"]),
                     fmt(ic["Average_raters_absolute", "ICC"]),
                     fmt(cohen.kappa(flagged)$kappa)), collapse = ",")),
           file.path(out, "agreement.csv"))

# Adjudication (`manyi review adjudicate`, docs/statistics.md §9): of the
# files to settle (first two totals more than 10 apart, or their defect
# flags disagreeing), in case order, the 1st, 3rd, ... go to the panel, whose
# decision (the floor of the two totals' mean; no defect, then a defect,
# alternately) replaces the file's total and ok; the 2nd, 4th, ... get a third
# review, by the first reviewer in code order without a conflict who has
# not reviewed it, averaged in: the file's total is the mean of its three
# totals and it is ok when fewer than half its reviews flag a major defect.
#   adjudications.csv  case_id,kind,reviewer,total,defect,note  (kind panel or third)
#   reviews_third.csv  the third reviews, as reviews.csv
#   expected_adjudicated.csv  the figures after both, as expected.csv
settle <- Filter(function(r) abs(r$total[2] - r$total[1]) > 10 || r$defect[1] != r$defect[2], pairs)
adj <- list()
third <- list()
for (k in seq_along(settle)) {
	r <- settle[[k]]
	cid <- r$case_id[1]
	a <- cases$agency[cases$case_id == cid]
	if (k %% 2 == 1) {
		adj[[k]] <- data.frame(case_id = cid, kind = "panel", reviewer = "",
		                       total = floor(mean(r$total[1:2])), defect = if (k %% 4 == 1) "no" else "yes",
		                       note = "专家组合议", stringsAsFactors = FALSE)
	} else {
		who <- Filter(function(x) !conflicted(x, a) && !(x %in% r$reviewer), reviewers$code)[1]
		adj[[k]] <- data.frame(case_id = cid, kind = "third", reviewer = who, total = "", defect = "",
		                       note = "", stringsAsFactors = FALSE)
		v <- list(case_id = cid, reviewer = who, submitted_at = sprintf("2026-06-%02dT09:00:00+08:00", k))
		for (it in points)
			v[[it$id]] <- min(it$max, max(0, round(it$max * rnorm(1, 0.8, 0.1))))
		for (it in flags)
			v[[it$id]] <- "no"
		v$comment <- "第三人评查"
		third[[length(third) + 1]] <- as.data.frame(v, stringsAsFactors = FALSE)
	}
}
adj <- do.call(rbind, adj)
third <- do.call(rbind, third)
write.csv(adj, file.path(out, "adjudications.csv"), row.names = FALSE, quote = FALSE, na = "")
write.csv(third, file.path(out, "reviews_third.csv"), row.names = FALSE, na = "")
third$total <- rowSums(third[, pts])
third$defect <- rowSums(third[, fls] == "yes") > 0
all3 <- rbind(reviews, third[, names(reviews)])
files2 <- do.call(rbind, lapply(split(all3, all3$case_id), function(r) {
	j <- adj[adj$case_id == r$case_id[1], ]
	if (nrow(j) == 1 && j$kind == "panel")
		return(data.frame(case_id = r$case_id[1], total = as.numeric(j$total), ok = as.numeric(j$defect == "no")))
	if (nrow(j) == 1)
		return(data.frame(case_id = r$case_id[1], total = mean(r$total), ok = as.numeric(2 * sum(r$defect) < nrow(r))))
	data.frame(case_id = r$case_id[1], total = mean(r$total), ok = as.numeric(!any(r$defect)))
}))
files2 <- merge(files2, cases, by = "case_id")
expected(files2, file.path(out, "expected_adjudicated.csv"))
cat("wrote", nrow(cases), "cases,", nrow(reviews), "reviews of", nrow(files), "files;",
    nrow(adj), "adjudications,", nrow(third), "third reviews\n")
