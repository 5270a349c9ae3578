#!/usr/bin/python3
"""Hold every figure of `manyi stats` against R's survey package, end to end.

    compare.py MANYI DB [DIR]        # DIR defaults to this script's directory

MANYI is bin/manyi and DB a database into which encounters.csv and
responses.csv of DIR were imported (tests/integration/test_stats_e2e.sh does
it).  For every case of DIR/cases.csv (written by make_e2e.R) this runs

    MANYI --db DB stats --survey enforcement-enterprise --weighting W
          --measure M [--by B] [--from F] [--to T] --level L

and compares the JSON with the rows of DIR/expected.csv, field by field, to
a relative error of 1e-9 (an absolute 1e-12 for figures that are rounding
noise around 0); a missing figure (R's NA) must be JSON null.  Where R could
not estimate a case, manyi must fail with status 1 and name every cell R
names.  Standard library only, so any python3 runs it.

Output, one line per check, tab-separated, for the shell to number as TAP:
    PASS<TAB>what
    FAIL<TAB>what<TAB>detail<TAB>detail...
"""
import csv
import json
import math
import os
import re
import subprocess
import sys

SURVEY = "enforcement-enterprise"
REL = 1e-9
ABS = 1e-12

ROW = ["n", "wsum", "mean", "se", "df", "ci_low", "ci_high", "rate", "rate_se", "rate_ci_low",
       "rate_ci_high", "index", "n_eff", "low_n"]
CMP = ["diff", "se", "t", "p", "p_holm", "significant", "funnel_low", "funnel_high"]
# expected.csv prefix -> (JSON member of a row, the extra members after CMP)
BLOCKS = {
    "vo_": ("vs_overall", []),
    "ro_": ("rate_vs_overall", []),
    "vp_": ("vs_previous", ["previous_mean", "previous_n"]),
    "rp_": ("rate_vs_previous", ["previous_rate", "previous_n"]),
}
NULLKEY = "~"  # make_e2e.R's name for a missing group value (JSON null)


def num(s):
    """A cell of R's CSV: None for NA (empty), else a float."""
    return None if s == "" else float(s)


def jnum(v):
    """A JSON value as a float (booleans as 0/1), None for null."""
    if v is None:
        return None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return float(v)


def agree(got, want, tiny=ABS):
    """Do a JSON figure and R's figure agree?  tiny: below it both are 0."""
    if want is None or got is None:
        return want is None and got is None
    if math.isinf(want) or math.isinf(got):
        return want == got
    d = abs(got - want)
    return d <= REL * max(abs(got), abs(want)) or max(abs(got), abs(want)) < tiny


class Checks:
    def __init__(self):
        self.failed = 0

    def report(self, what, problems):
        if problems:
            self.failed += 1
            shown = problems[:12]
            if len(problems) > 12:
                shown.append("... and %d more" % (len(problems) - 12))
            print("FAIL\t" + what + "\t" + "\t".join(p.replace("\t", " ") for p in shown))
        else:
            print("PASS\t" + what)
        sys.stdout.flush()


def field(problems, where, name, got, want):
    # p values come from the t tail, accurate far below 1e-12 in R and GSL:
    # held to the relative error all the way down.
    tiny = 1e-300 if name.endswith((".p", ".p_holm")) else ABS
    if not agree(got, want, tiny):
        problems.append("%s %s: manyi %r, R %r" % (where, name, got, want))


def ill_posed(want, f, obj):
    """t = diff / se where R's se is 0 or rounding noise around 0 (a census
    stratum, identical answers): t is infinite in R (JSON null) or the ratio
    of two noises.  Then only its sign is checked when diff is clearly not 0,
    and t, p, p_holm, significant are left unchecked when diff is noise too
    (0/0).  True when the caller should skip the field."""
    se = want["se"]
    if se is None or abs(se) >= ABS:
        return False
    diff = want["diff"]
    if diff is None or abs(diff) < ABS:
        return True
    if f != "t":
        return False
    got = jnum(obj.get("t"))
    # infinite (null in JSON) or huge, with diff's sign
    if got is None or (abs(got) > 1 / math.sqrt(ABS) and (got > 0) == (diff > 0)):
        return True
    return False


def group_key(by, row):
    vals = row.get("by", {})
    return "|".join(NULLKEY if vals.get(b) is None else vals[b] for b in by)


def run_case(manyi, db, cs):
    args = [manyi, "--db", db, "stats", "--survey", SURVEY, "--weighting", cs["weighting"],
            "--measure", cs["measure"], "--level", cs["level"]]
    if cs["by"]:
        args += ["--by", cs["by"]]
    if cs["from"]:
        args += ["--from", cs["from"]]
    if cs["to"]:
        args += ["--to", cs["to"]]
    return subprocess.run(args, capture_output=True, text=True), args


def cells_named(msg, want, what):
    """manyi names exactly the cells R names ("cell A03 x urban", "cell A10")."""
    got = set(re.findall(r"\bcell ([A-Za-z0-9_]+(?: x [A-Za-z0-9_]+)?)(?= ?[():,;])", msg))
    want = set(filter(None, want.split(";")))
    if got == want:
        return []
    return ["%s names cells %s, R %s: %s" % (what, sorted(got), sorted(want), msg)]


def check_error(checks, name, cs, proc):
    """R could not estimate the case: manyi fails clearly, naming R's cells."""
    problems = []
    if proc.returncode != 1:
        problems.append("exit status %d, expected 1 (R: %s)" % (proc.returncode, cs["error"]))
    msg = proc.stderr.strip()
    problems += cells_named(msg, cs["error_cells"], "the message")
    if not msg:
        problems.append("no message on stderr")
    checks.report(name + ": fails like R (%s) and names %s" %
                  (cs["error"], cs["error_cells"] or "no cell"), problems)


def check_top(checks, name, cs, j, rows):
    """The figures of the whole report: raking, alpha, funnel, previous."""
    problems = []
    field(problems, "", "rake_iterations", jnum(j.get("rake_iterations")), num(cs["rake_iterations"]))
    field(problems, "", "cronbach_alpha", jnum(j.get("cronbach_alpha")), num(cs["cronbach_alpha"]))
    field(problems, "", "alpha_n", jnum(j.get("alpha_n")), num(cs["alpha_n"]))
    ov = rows.get("overall")
    fun = j.get("funnel") or {}
    if ov is not None:
        field(problems, "funnel", "center", jnum(fun.get("center")), num(ov["mean"]))
        field(problems, "funnel", "rate_center", jnum(fun.get("rate_center")), num(ov["rate"]))
        field(problems, "funnel", "df", jnum(fun.get("df")), num(ov["df"]))
        field(problems, "funnel", "level", jnum(fun.get("level")), float(cs["level"]))
    field(problems, "", "level", jnum(j.get("level")), float(cs["level"]))
    for k in ("measure", "weighting"):
        if j.get(k) != cs[k]:
            problems.append("%s: manyi %r, case %r" % (k, j.get(k), cs[k]))
    if j.get("by") != (cs["by"].split(",") if cs["by"] else []):
        problems.append("by: manyi %r, case %r" % (j.get("by"), cs["by"]))
    checks.report(name + ": rake_iterations, cronbach_alpha, funnel", problems)

    prev = j.get("previous")
    if not cs["prev_status"]:
        problems = []
        if prev is not None or "previous_error" in j:
            problems.append("a previous period without both --from and --to: %r" % prev)
        checks.report(name + ": no previous period", problems)
        return
    problems = []
    if prev is None:
        checks.report(name + ": previous period", ["no \"previous\" object"])
        return
    if prev.get("from") != cs["prev_from"] or prev.get("to") != cs["prev_to"]:
        problems.append("previous period %s..%s, R %s..%s" % (prev.get("from"), prev.get("to"),
                                                              cs["prev_from"], cs["prev_to"]))
    if cs["prev_status"] == "ok":
        if "previous_error" in j:
            problems.append("previous_error %r where R estimated it" % j["previous_error"])
        field(problems, "previous", "n", jnum(prev.get("n")), num(cs["prev_n"]))
        field(problems, "previous", "df", jnum(prev.get("df")), num(cs["prev_df"]))
        field(problems, "previous", "rake_iterations", jnum(prev.get("rake_iterations")),
              num(cs["prev_rake_iterations"]))
        what = "previous %s..%s n, df, rake_iterations" % (cs["prev_from"], cs["prev_to"])
    else:
        err = j.get("previous_error")
        if not err:
            problems.append("no previous_error where R failed: %s" % cs["prev_error"])
        else:
            problems += cells_named(err, cs["prev_cells"], "previous_error")
        if "n" in prev:
            problems.append("previous figures where R failed: %r" % prev)
        what = "previous %s..%s fails like R (%s%s)" % (
            cs["prev_from"], cs["prev_to"], cs["prev_error"],
            ": " + cs["prev_cells"] if cs["prev_cells"] else "")
    checks.report(name + ": " + what, problems)


def check_rows(checks, name, cs, j, rows):
    by = cs["by"].split(",") if cs["by"] else []
    got = {"overall": j.get("overall")}
    dup = []
    for g in j.get("groups", []):
        k = group_key(by, g)
        if k in got:
            dup.append(k)
        got[k] = g
    problems = ["group %s twice" % k for k in dup]
    for k in rows:
        if k not in got:
            problems.append("group %s missing (R n=%s)" % (k, rows[k]["n"]))
    for k in got:
        if k not in rows:
            problems.append("group %s not in R (manyi n=%s)" % (k, got[k].get("n")))
    checks.report(name + (": the same %d groups" % (len(rows) - 1) if len(rows) > 1
                          else ": no groups"), problems)
    both = [k for k in rows if k in got]

    problems = []
    for k in both:
        for f in ROW:
            field(problems, k, f, jnum(got[k].get(f)), num(rows[k][f]))
    checks.report(name + ": " + ", ".join(ROW[:-1]) + " and low_n of the overall row" +
                  (" and every group" if len(rows) > 1 else ""), problems)

    has_prev = cs["prev_status"] != ""
    # The index and an option of a multi-choice item (ITEM.OPTION, a share)
    # have no satisfaction rate.
    no_rate = cs["measure"] == "index" or "." in cs["measure"]
    for p, (member, extra) in BLOCKS.items():
        rate_block = p in ("ro_", "rp_")
        prev_block = p in ("vp_", "rp_")
        if prev_block and not has_prev:
            continue
        problems = []
        for k in both:
            want = {f: num(rows[k][p + f]) for f in CMP + extra}
            obj = got[k].get(member, "absent")
            expect_absent = (rate_block and no_rate) or (
                not prev_block and k == "overall")
            if expect_absent:
                if obj != "absent":
                    problems.append("%s %s present: %r" % (k, member, obj))
                continue
            if obj == "absent":
                problems.append("%s %s absent" % (k, member))
                continue
            if obj is None:  # the previous period could not be estimated
                if cs["prev_status"] == "ok" or any(
                        v not in (None, 0.0) for v in want.values()):
                    problems.append("%s %s null where R has %r" % (k, member, want))
                continue
            if prev_block and cs["prev_status"] != "ok":
                problems.append("%s %s present where R could not estimate the previous period"
                                % (k, member))
                continue
            for f in CMP + extra:
                if f in ("t", "p", "p_holm", "significant") and ill_posed(want, f, obj):
                    continue
                field(problems, k, member + "." + f, jnum(obj.get(f)), want[f])
        if rate_block and no_rate:
            what = "no %s (%s has no rate)" % (member, cs["measure"])
        elif prev_block and cs["prev_status"] != "ok":
            what = "%s null in every row (no previous estimate)" % member
        elif prev_block:
            what = "%s of the overall row and every group" % member
        elif len(rows) == 1:
            what = "no %s without groups" % member
        else:
            what = "%s of every group" % member
        checks.report("%s: %s" % (name, what), problems)


CSV_ROW = ROW
CSV_CMP = [("diff", "vs_overall", "diff"), ("diff_se", "vs_overall", "se"),
           ("p", "vs_overall", "p"), ("p_holm", "vs_overall", "p_holm"),
           ("significant", "vs_overall", "significant"),
           ("prev_mean", "vs_previous", "previous_mean"), ("prev_n", "vs_previous", "previous_n"),
           ("prev_diff", "vs_previous", "diff"), ("prev_diff_se", "vs_previous", "se"),
           ("prev_p", "vs_previous", "p"), ("prev_p_holm", "vs_previous", "p_holm"),
           ("prev_significant", "vs_previous", "significant")]


def same_number(a, b):
    """The JSON keeps full precision (cJSON prints %.15g when it reads back
    as the same double, else %.17g), the CSV 15 significant digits."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-14 * max(abs(a), abs(b))


def digits(cell):
    """The significant digits of a CSV number as written ("4000" -> 1,
    "0.00123" -> 3, "1.5e-07" -> 2)."""
    return len(cell.lstrip("-").split("e")[0].replace(".", "").strip("0")) or 1


def check_csv(checks, name, cs, j, args):
    """--format csv: the same rows and figures as the JSON."""
    proc = subprocess.run(args + ["--format", "csv"], capture_output=True, text=True)
    problems = []
    if proc.returncode != 0:
        checks.report(name + ": --format csv", ["exit status %d: %s" % (proc.returncode,
                                                                        proc.stderr.strip())])
        return
    by = cs["by"].split(",") if cs["by"] else []
    table = list(csv.DictReader(proc.stdout.splitlines()))
    want = [("overall", j["overall"])] + [(group_key(by, g), g) for g in j.get("groups", [])]
    if len(table) != len(want):
        problems.append("%d CSV rows, %d in the JSON" % (len(table), len(want)))
    for row, (key, obj) in zip(table, want):
        ckey = "overall" if row["row"] == "overall" else "|".join(
            row[b] if row[b] != "" else NULLKEY for b in by)
        if ckey != key:
            problems.append("CSV row %s where the JSON has %s" % (ckey, key))
            continue

        def cell(c):
            v = row[c]
            return None if v == "" else 1.0 if v == "true" else 0.0 if v == "false" else float(v)
        for c, v in row.items():
            if c not in by and c != "row" and v not in ("", "true", "false") and digits(v) > 15:
                problems.append("%s %s: CSV %r has more than 15 significant digits" % (key, c, v))
        for f in CSV_ROW:
            if not same_number(cell(f), jnum(obj.get(f))):
                problems.append("%s %s: CSV %r, JSON %r" % (key, f, row[f], obj.get(f)))
        for c, member, f in CSV_CMP:
            sub = obj.get(member) or {}
            v = jnum(sub.get(f))
            if f == "significant" and sub.get("p") is None:
                v = None  # no p value: no verdict in the CSV
            if not same_number(cell(c), v):
                problems.append("%s %s: CSV %r, JSON %s.%s %r" % (key, c, row[c], member, f,
                                                                   sub.get(f)))
    checks.report(name + ": --format csv gives the same rows and figures", problems)


def main():
    manyi, db = sys.argv[1], sys.argv[2]
    d = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(d, "cases.csv"), encoding="utf-8", newline="") as f:
        cases = list(csv.DictReader(f))
    expected = {}
    with open(os.path.join(d, "expected.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            expected.setdefault(r["case"], {})[r["group"]] = r
    checks = Checks()
    for cs in cases:
        proc, args = run_case(manyi, db, cs)
        name = "%s %s" % (cs["case"], " ".join(args[6:]))
        if cs["status"] != "ok":
            check_error(checks, name, cs, proc)
            continue
        if proc.returncode != 0:
            checks.report(name, ["exit status %d: %s" % (proc.returncode, proc.stderr.strip())])
            continue
        try:
            j = json.loads(proc.stdout)
        except ValueError as e:
            checks.report(name, ["not JSON: %s" % e])
            continue
        rows = expected.get(cs["case"], {})
        check_top(checks, name, cs, j, rows)
        check_rows(checks, name, cs, j, rows)
        check_csv(checks, name, cs, j, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
