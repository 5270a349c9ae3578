#!/usr/bin/env python3
"""compare.py MANYI DB — hold `manyi officers stats` to R's figures
(tests/officers/expected.csv, made by make_officers.R) to a relative error
of 1e-9.  Prints one line per case: PASS<TAB>what or FAIL<TAB>what<TAB>why.
Standard library only: the tests run without R."""
import csv
import json
import subprocess
import sys

FIELDS = ["n", "wsum", "mean", "se", "df", "ci_low", "ci_high"]


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))  # relative; absolute near 0


def main():
    manyi, db = sys.argv[1], sys.argv[2]
    with open("tests/officers/expected.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cases = {}
    for r in rows:
        cases.setdefault(r["case"], []).append(r)
    for case, want in cases.items():
        r0 = want[0]
        cmd = [manyi, "--db", db, "officers", "stats", "--survey", "enforcement-enterprise",
               "--weighting", r0["weighting"], "--level", r0["level"], "--min-n", "1"]
        if r0["from"]:
            cmd += ["--from", r0["from"]]
        if r0["to"]:
            cmd += ["--to", r0["to"]]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(f"FAIL\t{case}\t{' '.join(cmd[3:])}: exit {p.returncode}: {p.stderr.strip()}")
            continue
        got = {o["cert_no"]: o for o in json.loads(p.stdout)["officers"]}
        bad = []
        if sorted(got) != sorted(w["cert_no"] for w in want):
            bad.append(f"officers {sorted(got)} != R's {sorted(w['cert_no'] for w in want)}")
        for w in want:
            o = got.get(w["cert_no"])
            if o is None:
                continue
            for f in FIELDS:
                rv = float(w[f]) if w[f] != "" else None
                if not close(o[f], rv):
                    bad.append(f"{w['cert_no']} {f}: manyi {o[f]!r}, R {rv!r}")
        what = f"{case} ({r0['weighting']}, {r0['from'] or '-'}..{r0['to'] or '-'}, level {r0['level']}): {len(want)} officers agree with R to 1e-9"
        print(("FAIL\t" + what + "\t" + "; ".join(bad[:5])) if bad else ("PASS\t" + what))


main()
