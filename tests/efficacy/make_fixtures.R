# The efficacy evaluation's composite, its standard error, grades, the
# seeded simulation of ranks and grades, and the sensitivity scenarios,
# computed independently of manyi (docs/statistics.md, "The efficacy
# evaluation"; include/evaluate.h).  Run from this folder:
#   Rscript make_fixtures.R   -> expected.csv
# Input: input.csv (per agency: performance, quality, quality_se,
# satisfaction, satisfaction_se; NA when unknown).  tests/unit/test_evaluate.c
# holds manyi's evaluate_compute() to these figures (1e-9, ranks identical).
w <- c(30, 50, 20)          # weights P, Q, S
bands <- c(90, 80, 60)      # excellent, good, pass
seed <- 20240101
N <- 1000                   # simulations

d <- read.csv("input.csv", stringsAsFactors = FALSE)
n <- nrow(d)
X <- cbind(d$performance, d$quality, d$satisfaction)
SE <- cbind(0, d$quality_se, d$satisfaction_se)

composite <- function(x, w) {
	use <- w > 0
	if (any(is.na(x[use]))) return(NA_real_)
	sum(w[use] * x[use]) / sum(w[use])
}
grade_of <- function(c) {
	if (is.na(c)) return(NA_integer_)
	if (c >= bands[1]) 1L else if (c >= bands[2]) 2L else if (c >= bands[3]) 3L else 4L
}
rank_of <- function(c) sapply(seq_along(c), function(i)
	if (is.na(c[i])) NA_integer_ else 1L + sum(c[!is.na(c)] > c[i]))

comp <- apply(X, 1, composite, w = w)
se0 <- function(s) ifelse(is.na(s), 0, s)
comp_se <- ifelse(is.na(comp), NA,
	sqrt((w[2] * se0(SE[, 2]))^2 + (w[3] * se0(SE[, 3]))^2) / sum(w))
z <- qnorm(0.975)
grade <- sapply(comp, grade_of)
rank <- rank_of(comp)

# Park-Miller minimal standard: x <- 48271 x mod (2^31 - 1), exact in doubles.
m <- 2147483647
x <- seed %% m
if (x == 0) x <- 1
U <- numeric(2 * n * N)
for (k in seq_along(U)) {
	x <- (48271 * x) %% m
	U[k] <- x / m
}
Z <- qnorm(U)
ranks <- matrix(NA_integer_, n, N)
grades <- matrix(0, n, 4)
for (k in 1:N) {
	cs <- numeric(n)
	for (i in 1:n) {
		base <- ((k - 1) * n + (i - 1)) * 2
		xi <- X[i, ]
		xi[2] <- xi[2] + Z[base + 1] * se0(SE[i, 2])
		xi[3] <- xi[3] + Z[base + 2] * se0(SE[i, 3])
		cs[i] <- if (is.na(comp[i])) NA else composite(xi, w)
	}
	r <- rank_of(cs)
	ranks[, k] <- r
	for (i in which(!is.na(cs))) {
		g <- grade_of(cs[i])
		grades[i, g] <- grades[i, g] + 1
	}
}
rank_low <- rank_high <- rep(NA_integer_, n)
for (i in which(!is.na(comp))) {
	s <- sort(ranks[i, ])
	rank_low[i] <- s[floor(0.025 * N) + 1]
	rank_high[i] <- s[ceiling(0.975 * N)]
}
p <- grades / N
p[is.na(comp), ] <- NA

# Sensitivity: weights on a 100-point basis, each +10 / -10 (not below 0), each left out.
w100 <- 100 * w / sum(w)
scen <- list()
for (dd in 1:3) {
	a <- w100; a[dd] <- a[dd] + 10; scen[[length(scen) + 1]] <- a
	b <- w100; b[dd] <- max(0, b[dd] - 10); scen[[length(scen) + 1]] <- b
}
for (dd in 1:3) { a <- w100; a[dd] <- 0; scen[[length(scen) + 1]] <- a }
sens_c <- sapply(scen, function(ws) apply(X, 1, composite, w = ws))
sens_r <- apply(sens_c, 2, rank_of)
sens_g <- apply(sens_c, c(1, 2), grade_of)

f <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
out <- data.frame(agency = d$agency, composite = f(comp), composite_se = f(comp_se),
	ci_low = f(comp - z * comp_se), ci_high = f(comp + z * comp_se),
	grade = f(grade), rank = f(rank), rank_low = f(rank_low), rank_high = f(rank_high),
	p_excellent = f(p[, 1]), p_good = f(p[, 2]), p_pass = f(p[, 3]), p_fail = f(p[, 4]))
for (k in seq_along(scen)) {
	out[[paste0("s", k, "_composite")]] <- f(sens_c[, k])
	out[[paste0("s", k, "_grade")]] <- f(sens_g[, k])
	out[[paste0("s", k, "_rank")]] <- f(sens_r[, k])
}
write.csv(out, "expected.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("seed %d, weights %s, bands %s, %d simulations\n", seed,
	paste(w, collapse = ","), paste(bands, collapse = ","), N))
