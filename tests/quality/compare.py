"""compare.py EXPECTED.csv PERIOD LEVEL BY FILE [json|csv]

Compare one `manyi quality` output (JSON, or CSV) with R's figures in
tests/quality/expected.csv for the rows of PERIOD, LEVEL and BY ("" = the
overall row alone; the overall row is compared in every case): every figure
to a relative error of 1e-9 (absolute 1e-12 near 0), NA against null or an
empty cell, the same groups and no other.  Prints what differs; exit 1 then.
"""
import csv
import json
import math
import sys

FIELDS = ["n", "mean", "se", "df", "ci_low", "ci_high", "ok_rate", "ok_rate_se",
          "ok_rate_ci_low", "ok_rate_ci_high"]


def close(want, got):
    if want == "NA":
        return got is None
    if got is None:
        return False
    w = float(want)
    return abs(w - got) <= max(1e-9 * abs(w), 1e-12)


def main():
    exp_path, period, level, by, path = sys.argv[1:6]
    fmt = sys.argv[6] if len(sys.argv) > 6 else "json"
    rows = [r for r in csv.DictReader(open(exp_path, encoding="utf-8"))
            if r["period"] == period and float(r["level"]) == float(level)
            and r["by"] in ("", by)]
    want = {r["group"]: r for r in rows}
    got = {}
    if fmt == "json":
        j = json.load(open(path, encoding="utf-8"))
        got[""] = j["overall"]
        for g in j["groups"]:
            got[g["by"][by]] = g
    else:
        for r in csv.DictReader(open(path, encoding="utf-8")):
            key = r[by or "group"]
            got[key] = {f: (None if r[f] == "" else float(r[f])) for f in FIELDS}
    bad = []
    if set(want) != set(got):
        bad.append("groups: want %s, got %s" % (sorted(want), sorted(got)))
    for g in sorted(set(want) & set(got)):
        for f in FIELDS:
            if not close(want[g][f], got[g].get(f)):
                bad.append("%s %s: R %s, manyi %s" % (g or "overall", f, want[g][f], got[g].get(f)))
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


main()
