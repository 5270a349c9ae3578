#!/usr/bin/env python3
"""Write the end-to-end dataset of tests/stats/e2e/ (deterministic).

    python3 tests/stats/e2e/make_data.py [OUTDIR]     # default: this directory

encounters.csv and responses.csv are in the formats of CONTRACT §2, for
`manyi import encounters` and `manyi import responses --survey
enforcement-enterprise`.  make_e2e.R reads the same two files and writes the
figures R's survey package gives for them; test_stats_e2e.sh imports them
and compares.  The files are committed, so neither script is needed at test
time; run this one again only to change the data (then re-run make_e2e.R).

What the data exercises:
  - agencies A01..A12 with very different registries (2 to ~900 encounters)
    and sampling fractions (3% to 100%): A09 is a census (both encounters
    answered, fpc 0), A05 and A11 have a single response (lonely strata);
  - eight of the registry's domains, each agency working in a few of them
    (empty agency x domain cells), five sizes, four districts (UTF-8), the
    outcome often not recorded (a null group);
  - encounters across 2022; phone answers given 1..25 days later (some in
    2023: periods follow occurred_on, not the answer);
  - every agency x domain cell and every size with encounters in a quarter
    has an answer in that quarter, so post-stratification and raking work
    for the whole year, each half and each quarter; one cell (A03 x
    agriculture) has an unanswered encounter on 2022-03-31, so March alone
    and the 92 days before Q3 cannot be post-stratified;
  - nine scale items, "na" often (legality ~25%, one item ~45%), some
    respondents with every index item "na" (no index), A05's only answer
    "na" on legality (a group with no answer to the measure);
  - kiosk answers without encounter_id (public channel), some for agency
    A13 (no encounters) and domain education, a few with a size, and
    submission times whose UTC+8 date differs from their local date at the
    edges of periods (2021-12-31T20:00:00Z is 2022-01-01 in UTC+8).
"""
import csv
import datetime as dt
import os
import random
import sys

out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(20220415)

ITEMS = ["legality", "procedure", "fairness", "civility", "efficiency", "transparency",
         "integrity", "disruption", "overall"]
NA_P = {"legality": 0.25, "procedure": 0.08, "fairness": 0.12, "civility": 0.05,
        "efficiency": 0.45, "transparency": 0.15, "integrity": 0.3, "disruption": 0.1}
DOMAINS = ["market", "ecology", "urban", "transport", "health", "labour", "water", "agriculture"]
SIZES = ["large", "medium", "small", "micro", "household"]
SIZE_P = [0.05, 0.15, 0.3, 0.4, 0.1]
DISTRICTS = ["鄂城区", "华容区", "梁子湖区", "葛店开发区"]
OUTCOMES = ["", "", "no_violation", "corrected", "warning", "fined", "other"]
PROBLEMS = ["no_id", "rights_not_told", "unclear_basis", "slow", "rude", "none"]

# agency: (encounters, sampling fraction, domains, months it works in)
AGENCIES = {
    "A01": (620, 0.10, ["market", "health", "labour"], range(1, 13)),
    "A02": (340, 0.12, ["ecology", "water"], range(1, 13)),
    "A03": (48, 0.40, ["urban", "transport"], range(1, 13)),
    "A04": (880, 0.04, ["transport", "urban", "market", "ecology"], range(1, 13)),
    "A05": (3, 0.0, ["health"], range(7, 10)),
    "A06": (130, 0.2, ["labour"], range(1, 13)),
    "A07": (27, 0.3, ["water", "agriculture"], range(1, 13)),
    "A08": (210, 0.08, ["agriculture", "ecology", "water"], range(1, 13)),
    "A09": (2, 1.0, ["market"], range(10, 11)),
    "A10": (75, 0.25, ["health", "market"], range(1, 13)),
    "A11": (15, 0.0, ["labour"], range(4, 7)),
    "A12": (470, 0.15, ["urban", "market", "transport"], range(1, 13)),
}
SINGLE = {"A05", "A11"}  # exactly one answer each


def rand_date(months):
    m = rnd.choice(list(months))
    last = (dt.date(2022 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(2022, m, rnd.randint(1, last))


def quarter(d):
    return (d.month - 1) // 3


encounters = []
n = 0
for a, (count, frac, doms, months) in AGENCIES.items():
    dw = [len(doms) - i for i in range(len(doms))]  # the first domain most often
    for _ in range(count):
        n += 1
        encounters.append({
            "encounter_id": "E%05d" % n, "agency": a,
            "domain": rnd.choices(doms, dw)[0], "size": rnd.choices(SIZES, SIZE_P)[0],
            "district": rnd.choice(DISTRICTS), "occurred_on": rand_date(months),
            "outcome": rnd.choice(OUTCOMES),
        })
# A03 x agriculture: one encounter answered in February, one never answered
# on 2022-03-31 (the failing post-stratification cell of March).
for day, answered in ((dt.date(2022, 2, 10), True), (dt.date(2022, 3, 31), False)):
    n += 1
    encounters.append({"encounter_id": "E%05d" % n, "agency": "A03", "domain": "agriculture",
                       "size": "small", "district": DISTRICTS[0], "occurred_on": day,
                       "outcome": "corrected", "_force": answered, "_never": not answered})
rnd.shuffle(encounters)

# The sample: a share per agency, then one answer in each agency x domain
# cell and each size that has encounters but no answer in a quarter.
answered = set()
for e in encounters:
    a = e["agency"]
    if e.get("_force") or (a not in SINGLE and not e.get("_never")
                           and rnd.random() < AGENCIES[a][1]):
        answered.add(e["encounter_id"])
for a in sorted(SINGLE):
    answered.add(rnd.choice([e for e in encounters if e["agency"] == a])["encounter_id"])
for key in (lambda e: (e["agency"], e["domain"]), lambda e: e["size"]):
    for q in range(4):
        cells = {}
        for e in encounters:
            if quarter(e["occurred_on"]) == q and not e.get("_never"):
                cells.setdefault(key(e), []).append(e)
        for es in cells.values():
            if not any(e["encounter_id"] in answered for e in es):
                answered.add(rnd.choice(es)["encounter_id"])

level_a = {a: rnd.gauss(0, 0.6) for a in AGENCIES}
level_a["A13"] = -0.8
level_d = {d: rnd.gauss(0, 0.4) for d in DOMAINS + ["education"]}


def answers(mu, agency):
    vals = {}
    all_na = rnd.random() < 0.02
    for j, it in enumerate(ITEMS):
        v = min(5, max(1, round(mu + rnd.gauss(0, 1.1) + (j - 4) * 0.1)))
        if it != "overall" and (all_na or rnd.random() < NA_P[it]):
            vals[it] = "na"
        else:
            vals[it] = str(v)
    if agency == "A05":
        vals["legality"] = "na"
    return vals


def extras():
    r = rnd.random()
    problems = ";".join(sorted(rnd.sample(PROBLEMS[:-1], 2))) if r < 0.15 else (
        "none" if r < 0.3 else "")
    comment = rnd.choice(["", "", "", "办事效率高", "态度好, 但是慢", 'said "fine"'])
    return {"encounter_type": rnd.choice(["", "inspection", "penalty", "permit"]),
            "problems": problems, "comment": comment}


HEADER = ["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + ITEMS + [
    "encounter_type", "problems", "comment"]
rows = []
for e in sorted(encounters, key=lambda e: e["encounter_id"]):
    if e["encounter_id"] not in answered:
        continue
    mu = 3.5 + level_a[e["agency"]] + level_d[e["domain"]] + (0.3 if e["size"] == "large" else 0)
    when = dt.datetime.combine(e["occurred_on"], dt.time(9)) + dt.timedelta(
        days=rnd.randint(1, 25), minutes=rnd.randint(0, 600))
    # The file may repeat the encounter's context (it must agree) or leave it out.
    ctx = [e["agency"], e["domain"], e["size"]] if rnd.random() < 0.3 else ["", "", ""]
    row = {"encounter_id": e["encounter_id"], "agency": ctx[0], "domain": ctx[1],
           "size": ctx[2], "channel": rnd.choice(["phone", "phone", "phone", "paper"]),
           "submitted_at": when.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
    row.update(answers(mu, e["agency"]))
    row.update(extras())
    rows.append(row)

# Public-channel answers: no encounter, agency and domain given.
public_agencies = [a for a in AGENCIES if a not in ("A05", "A09", "A11")] + ["A13"]
edge_times = ["2021-12-30T10:00:00+08:00", "2021-12-31T09:00:00Z", "2021-12-31T20:00:00Z",
              "2022-03-31T16:30:00Z", "2022-06-30T23:30:00+07:00", "2022-09-30T16:00:00Z",
              "2022-12-31T15:59:59Z", "2022-12-31T16:00:00Z"]
for i in range(160):
    a = rnd.choice(public_agencies)
    d = rnd.choice(AGENCIES[a][2] if a in AGENCIES else ["urban"])
    if rnd.random() < 0.05:
        d = "education"
    if i < len(edge_times):
        when = edge_times[i]
    else:
        t = dt.datetime(2022, 1, 1) + dt.timedelta(seconds=rnd.randint(0, 365 * 86400 - 1))
        when = t.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    mu = 3.0 + level_a[a] + level_d[d]
    row = {"encounter_id": "", "agency": a, "domain": d,
           "size": rnd.choice(SIZES) if rnd.random() < 0.2 else "",
           "channel": "kiosk", "submitted_at": when}
    row.update(answers(mu, a))
    row.update(extras())
    rows.append(row)

with open(os.path.join(out_dir, "encounters.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "district", "occurred_on", "outcome"])
    for e in sorted(encounters, key=lambda e: e["encounter_id"]):
        w.writerow([e["encounter_id"], e["agency"], e["domain"], e["size"], e["district"],
                    e["occurred_on"].isoformat(), e["outcome"]])
with open(os.path.join(out_dir, "responses.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, HEADER, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
print("%d encounters, %d answers (%d public)" % (len(encounters), len(rows), 160),
      file=sys.stderr)
