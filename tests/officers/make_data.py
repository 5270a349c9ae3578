#!/usr/bin/env python3
"""make_data.py — the officers of the end-to-end dataset, for
tests/officers/make_officers.R and tests/integration/test_officers.sh.

Reads tests/stats/e2e/encounters.csv and writes, reproducibly (seed 15):

  officers.csv    three officers per agency of the encounters (cert_no,name,
                  agency,status,valid_until,category,area), statuses mixed
  encounters.csv  the same encounters with the column officers: none, one or
                  two of the agency's officers (';'-separated), so that the
                  officers' domains overlap

Run from the top of the checkout:  python3 tests/officers/make_data.py
"""
import csv
import random

SRC = "tests/stats/e2e/encounters.csv"
OUT = "tests/officers"
SURNAMES = "张王李赵刘陈杨黄周吴徐孙"
GIVEN = ["伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟"]
STATUSES = ["valid", "valid", "suspended", "revoked"]


def main():
    rng = random.Random(15)
    with open(SRC, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    agencies = sorted({r["agency"] for r in rows})
    officers = {}
    with open(f"{OUT}/officers.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["cert_no", "name", "agency", "status", "valid_until", "category", "area"])
        k = 0
        for a in agencies:
            officers[a] = []
            for j in range(3):
                k += 1
                cert = f"42070{k:03d}{j}"
                name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7 + j) % len(GIVEN)]
                status = STATUSES[(k + j) % len(STATUSES)] if j == 2 else "valid"
                until = f"{2025 + (k % 3)}-12-31"
                w.writerow([cert, name, a, status, until, "市场监管", "鄂州市"])
                officers[a].append(cert)
    fields = list(rows[0].keys()) + ["officers"]
    with open(f"{OUT}/encounters.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            k = rng.choice([0, 1, 1, 2, 2])
            # The first officer comes most often: some officers pass the threshold.
            pick = rng.sample(officers[r["agency"]], k) if k else []
            if k == 1 and rng.random() < 0.5:
                pick = [officers[r["agency"]][0]]
            r["officers"] = ";".join(pick)
            w.writerow(r)


main()
