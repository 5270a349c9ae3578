# stats_bench.R — R's survey package on the job bench/stats_bench.c times:
# rake by agency, domain and size, then the mean and the satisfaction rate
# with standard errors by agency x domain.  Called by bench/run.sh with the
# prefix of the files `stats_bench --write N PREFIX` wrote.
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
prefix <- commandArgs(TRUE)[1]
d <- read.csv(paste0(prefix, "_data.csv"))
pop <- read.csv(paste0(prefix, "_pop.csv"))
A <- 12; D <- 22; S <- 5
s <- d[d$sampled == 1, ]
s$fa <- factor(s$agency, 0:(A - 1)); s$fd <- factor(s$domain, 0:(D - 1)); s$fs <- factor(s$size, 0:(S - 1))
popA <- pop$count[pop$kind == "agency"]
s$N_h <- popA[s$agency + 1]
s$w <- s$N_h / ave(s$N_h, s$agency, FUN = length)
s$g <- s$agency * D + s$domain
margins <- list(data.frame(fa = factor(0:(A - 1), 0:(A - 1)), Freq = popA),
                data.frame(fd = factor(0:(D - 1), 0:(D - 1)), Freq = pop$count[pop$kind == "domain"]),
                data.frame(fs = factor(0:(S - 1), 0:(S - 1)), Freq = pop$count[pop$kind == "size"]))
t <- system.time({
  des <- svydesign(ids = ~1, strata = ~fa, weights = ~w, fpc = ~N_h, data = s)
  des <- rake(des, list(~fa, ~fd, ~fs), margins, control = list(maxit = 1000, epsilon = 1e-13))
  est <- svyby(~y, ~g, des, svymean, na.rm = TRUE)
  rate <- svyby(~sat, ~g, des, svymean, na.rm = TRUE)
})
m <- svymean(~y, des, na.rm = TRUE); r <- svymean(~sat, des, na.rm = TRUE)
cat(sprintf("  (R raked overall mean %.6f se %.6f; rate %.6f se %.6f)\n",
            coef(m), SE(m), coef(r), SE(r)))
cat(sprintf("R survey %s, weighting=rake, %d responses, %d groups: %.2f s\n",
            packageVersion("survey"), nrow(d), nrow(est), t[["elapsed"]]))
