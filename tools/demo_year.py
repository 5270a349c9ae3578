#!/usr/bin/env python3
"""Fill a new database with a realistic demo year (2025) through bin/manyi.

    demo_year.py --db PATH [--bin DIR] [--work DIR] [--seed N]

Writes CSV files into --work (default: a temporary directory, removed at
the end) and loads them only through `manyi` commands, one import per
file: the demo registry (tools/demo/*.csv), the surveys (surveys/*.json),
about 30,000 encounters of the 21 demo agencies over 2025, a stratified
phone sample (`manyi sample --by agency`) with a disposition for every
sampled case and the completes' answers, web invitations for the other
encounters of which a smaller share answers by QR code or link, answers
to the public survey without an invitation, and publishes the year's
figures.  For the efficacy evaluation it adds the year's case-file review
(a case registry, a panel of ten reviewers, the review sample with a share
reviewed twice, the reviews, two adjudications) and the supervision duties
with their performance (`manyi import duties`, `import performance`), runs
`manyi evaluate` and publishes its report (`manyi publish evaluation`).  The
commands are looked up first, so an older manyi builds what it can.  The same
seed gives the same data (the tokens and the times the invitations were
minted excepted).

What the charts should reveal is planted here (PLANTED below), and
tests/integration/test_demo.sh checks each through `manyi stats` and
`manyi fieldwork`:

- A06 (emergency management) and A09 (housing) clearly behind the city,
  A07 (health) clearly ahead;
- A04 (transport): efficiency drags it down, its other items average;
- A20 (civil air defence): few encounters, under the publication
  threshold (n < 30);
- a weak first quarter improving through the year;
- problems (the multi-choice item) chosen where the ratings are low,
  and free comments in Chinese that follow the ratings;
- case-file review: A06 and A09 weak in quality too (lower totals, more
  major defects), A07 strong; two reviewers of a file agreeing reasonably,
  a few of the double-reviewed files differing by more than 10 points;
- supervision: performance rates mostly 80-100%; A12 (water) with several
  duties never performed.

Standard library only.
"""
import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEAR = 2025
ENTERPRISE = "enforcement-enterprise"
PUBLIC = "enforcement-public"
ITEMS = ["legality", "procedure", "fairness", "civility", "efficiency",
         "transparency", "integrity", "disruption"]

# Encounters a year by agency (relative workloads): market regulation and
# urban management large, a long tail of small agencies, A20 very small.
WORKLOAD = {
    "A01": 7600, "A02": 2100, "A03": 5600, "A04": 1900, "A05": 1150,
    "A06": 1700, "A07": 1450, "A08": 850, "A09": 1350, "A10": 780,
    "A11": 860, "A12": 480, "A13": 430, "A14": 390, "A15": 360,
    "A16": 1150, "A17": 430, "A18": 360, "A19": 360, "A20": 150,
    "A21": 370,
}
N_ENCOUNTERS = 30000
PHONE_SAMPLE = 3000

# PLANTED: shifts of the latent satisfaction (on the 1..5 scale).
AGENCY_SHIFT = {"A06": -0.42, "A09": -0.40, "A07": 0.35}
# A04: efficiency far below, every other item slightly above: an average
# index that one dimension drags down.
ITEM_SHIFT = {"A04": dict({i: 0.06 for i in ITEMS}, efficiency=-1.0)}
# Citywide item levels (some dimensions are rated lower everywhere).
ITEM_LEVEL = {"legality": 0.10, "procedure": 0.0, "fairness": 0.0, "civility": 0.05,
              "efficiency": -0.15, "transparency": -0.10, "integrity": 0.10,
              "disruption": -0.12}
# Outcomes of the encounter and how they colour the ratings.
OUTCOMES = [("no_violation", 0.42, 0.12), ("corrected", 0.27, 0.0), ("warning", 0.12, -0.12),
            ("fined", 0.14, -0.40), ("other", 0.05, 0.0)]
OUTCOME_SHIFT = {o[0]: o[2] for o in OUTCOMES}
SIZES = [("large", 0.05), ("medium", 0.15), ("small", 0.34), ("micro", 0.46)]
DISTRICTS = [("鄂城区", 0.38), ("华容区", 0.20), ("梁子湖区", 0.12), ("葛店开发区", 0.17),
             ("临空经济区", 0.13)]

# 2025 (国办发明电〔2024〕12号): days off and make-up working days.
HOLIDAYS = [("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"),
            ("05-31", "06-02"), ("10-01", "10-08")]
WORKDAYS = ["01-26", "02-08", "04-27", "09-28", "10-11"]
SPRING_FESTIVAL = (dt.date(YEAR, 1, 28), dt.date(YEAR, 2, 4))

# A problem each low-rated dimension brings (enterprise; public) and
# options that come on their own.
PROBLEM_OF = {
    "legality": ["no_id", "unclear_basis"], "procedure": ["rights_not_told", "no_documents"],
    "fairness": ["arbitrary_penalty"], "civility": ["rude"], "efficiency": ["slow"],
    "transparency": ["unclear_basis", "no_documents"], "integrity": ["fees_favours", "designated_services"],
    "disruption": ["disrupted_business", "repeated_inspections"],
}
PUBLIC_PROBLEM_OF = {
    "legality": ["no_id", "unclear_basis"], "procedure": ["rights_not_told", "no_documents"],
    "fairness": ["arbitrary_penalty", "buck_passing"], "civility": ["rude", "excessive_force"],
    "efficiency": ["slow", "no_feedback"], "transparency": ["unclear_basis", "no_feedback"],
    "integrity": ["fees_favours"], "disruption": ["property_seized"],
}

POSITIVE = ["执法人员主动出示证件，态度很好", "讲解政策很耐心，指出问题也给了整改办法",
            "检查很规范，没有影响正常经营", "效率高，当场就办完了", "提前告知了检查内容，准备起来心里有数",
            "处罚前听取了我们的陈述，处理公道", "整改期限合理，复查也很及时", "服务意识强，值得表扬",
            "全程文明执法，给执法队伍点赞", "对小微企业很包容，首次轻微违法没有处罚"]
NEUTRAL = ["总体还可以，希望检查能再集中一些", "流程基本规范，就是材料要求有点多",
           "态度还行，但告知的依据不太清楚", "希望多一些事前指导，少一些事后处罚",
           "检查时间有点长，影响了一会儿营业"]
NEGATIVE = {
    "slow": ["办事拖拉，等了两个多星期才有结果", "复查一拖再拖，耽误了开业", "材料交了好几次，一直没有回复"],
    "rude": ["态度生硬，说话很冲", "执法人员不耐烦，问几句就不高兴了"],
    "no_id": ["进门没有出示执法证件", "来了两个人，只有一个出示了证件"],
    "unclear_basis": ["没说清楚依据哪条规定", "处罚依据讲不明白，让人不服"],
    "rights_not_told": ["没有告知我们可以陈述申辩", "没告诉我们有申请复议的权利"],
    "no_documents": ["检查完没有留任何文书", "没有给检查记录，事后无法核对"],
    "arbitrary_penalty": ["同样的问题别家只是警告，我们却被罚款", "罚款数额随意，没有说明理由"],
    "fees_favours": ["暗示要请吃饭", "要求交不明不白的费用"],
    "designated_services": ["要求到指定机构检测，收费很高", "推荐指定的第三方做整改"],
    "disrupted_business": ["正是营业高峰来检查，影响很大", "检查时把店门堵了大半天"],
    "repeated_inspections": ["一个月被查了三次，内容都一样", "不同部门轮番来查，疲于应付"],
    "excessive_force": ["动作粗暴，推搡群众", "执法过程中动手拉扯"],
    "property_seized": ["东西被收走了，也没开清单", "暂扣物品后一直没有归还"],
    "buck_passing": ["几个部门互相推诿，没人管", "反映问题被踢来踢去"],
    "no_feedback": ["投诉以后一直没有回音", "说好给答复，结果没有下文"],
    "other": ["感觉被区别对待", "希望能换位思考一下"],
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Manyi:
    """Runs bin/manyi on one database; stops the build on the first failure."""

    def __init__(self, binary, db):
        self.binary = binary
        self.db = db

    def __call__(self, *args, stdin=None):
        cmd = [self.binary, "--db", self.db] + list(args)
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=TOP)
        if p.returncode != 0:
            sys.exit("demo_year: `manyi %s` failed (status %d):\n%s" %
                     (" ".join(args), p.returncode, p.stderr.strip()))
        return p.stdout


def pick(rnd, pairs):
    """One value of [(value, weight), ...]."""
    return rnd.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def calendar():
    """Each day of YEAR with its relative volume of enforcement."""
    off = set()
    for a, b in HOLIDAYS:
        d = dt.date.fromisoformat("%d-%s" % (YEAR, a))
        while d <= dt.date.fromisoformat("%d-%s" % (YEAR, b)):
            off.add(d)
            d += dt.timedelta(days=1)
    worked = {dt.date.fromisoformat("%d-%s" % (YEAR, w)) for w in WORKDAYS}
    days = []
    d = dt.date(YEAR, 1, 1)
    while d.year == YEAR:
        if d in off:
            v = 0.04
        elif d.weekday() >= 5 and d not in worked:
            v = 0.12
        else:
            v = 1.0
        # The weeks around Spring Festival are quiet; campaigns before the
        # summer and in the autumn busier.
        sf0, sf1 = SPRING_FESTIVAL
        if sf0 - dt.timedelta(days=10) <= d < sf0 or sf1 < d <= sf1 + dt.timedelta(days=7):
            v *= 0.45
        v *= {3: 1.1, 4: 1.1, 5: 1.05, 9: 1.1, 11: 1.1, 12: 0.95}.get(d.month, 1.0)
        days.append((d, v))
        d += dt.timedelta(days=1)
    return days


def stamp(day, rnd, lo=8, hi=21):
    t = dt.datetime(day.year, day.month, day.day, rnd.randint(lo, hi - 1), rnd.randint(0, 59),
                    rnd.randint(0, 59))
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def trend(day):
    """PLANTED: a weak first quarter improving through the year."""
    return -0.40 + 0.50 * (day.timetuple().tm_yday - 1) / 364.0


def answer(rnd, agency, day, outcome, problem_of, extra=()):
    """One respondent's answers: {item: value} with the ratings, overall,
    problems and maybe a comment."""
    shift = AGENCY_SHIFT.get(agency, 0.0) + trend(day) + OUTCOME_SHIFT.get(outcome, 0.0)
    person = rnd.gauss(0, 0.55)
    base = 4.05 + shift + person
    own = ITEM_SHIFT.get(agency, {})
    scores = {}
    for it in ITEMS:
        x = base + ITEM_LEVEL[it] + own.get(it, 0.0) + rnd.gauss(0, 0.55)
        scores[it] = min(5, max(1, int(round(x))))
    out = dict(scores)
    # Not applicable now and then (disruption: often, when nothing was disrupted).
    for it in ITEMS:
        if rnd.random() < (0.06 if it == "disruption" else 0.012):
            out[it] = "na"
    mean = sum(scores.values()) / len(scores)
    out["overall"] = min(5, max(1, int(round(mean + rnd.gauss(0, 0.35)))))
    # Problems: a low score brings its problem, a middling one sometimes.
    chosen = []
    for it in ITEMS:
        p = {1: 0.85, 2: 0.6, 3: 0.12}.get(scores[it], 0.0)
        if rnd.random() < p:
            opt = rnd.choice(problem_of[it])
            if opt not in chosen:
                chosen.append(opt)
    for opt, p in extra:
        if opt not in chosen and rnd.random() < p * (1.0 if mean < 4 else 0.3):
            chosen.append(opt)
    if chosen and rnd.random() < 0.04:
        chosen.append("other")
    if not chosen:
        out["problems"] = "none" if rnd.random() < 0.8 else ""
    else:
        out["problems"] = ";".join(chosen)
    # Free comments follow the ratings: the dissatisfied write more.
    write = {1: 0.55, 2: 0.45, 3: 0.25, 4: 0.12, 5: 0.15}[out["overall"]]
    if rnd.random() < write:
        if out["overall"] >= 4 and not chosen:
            out["comment"] = rnd.choice(POSITIVE)
        elif chosen and out["overall"] <= 3:
            parts = [rnd.choice(NEGATIVE[c]) for c in chosen[:2]]
            if rnd.random() < 0.4:
                parts.append(rnd.choice(["希望改进", "希望加强监督", "请上级部门重视",
                                         "希望以后能规范一些"]))
            out["comment"] = "，".join(parts) + "。"
        else:
            out["comment"] = rnd.choice(NEUTRAL)
    return out


def encounter_type(rnd, outcome):
    if outcome == "fined":
        return "penalty" if rnd.random() < 0.85 else "inspection"
    return pick(rnd, [("inspection", 0.78), ("permit", 0.15), ("other", 0.07)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--bin", default=os.path.join(TOP, "bin"))
    ap.add_argument("--work")
    ap.add_argument("--seed", type=int, default=20250101)
    a = ap.parse_args()
    if os.path.exists(a.db):
        sys.exit("demo_year: %s exists; the demo year goes only into a new database" % a.db)
    manyi = Manyi(os.path.join(os.path.abspath(a.bin), "manyi"), os.path.abspath(a.db))
    work = a.work or tempfile.mkdtemp(prefix="manyi-demo.")
    os.makedirs(work, exist_ok=True)
    try:
        build(manyi, work, a.seed)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def build(manyi, work, seed):
    rnd = random.Random(seed)
    path = lambda name: os.path.join(work, name)  # noqa: E731
    demo = os.path.join(TOP, "tools", "demo")

    manyi("init", "--evaluator-name", "市司法局行政执法监督科（演示数据）",
          "--evaluator-name-en", "Municipal Justice Bureau, enforcement supervision (demo data)",
          "--evaluator-contact", "12345")
    manyi("import", "domains", os.path.join(demo, "domains.csv"))
    manyi("import", "agencies", os.path.join(demo, "agencies.csv"))
    manyi("import", "agency-domains", os.path.join(demo, "agency-domains.csv"))
    surveys = sorted(os.path.join(TOP, "surveys", f) for f in os.listdir(os.path.join(TOP, "surveys"))
                     if f.endswith(".json"))
    manyi("survey", "load", *surveys)
    domains_of = {}
    with open(os.path.join(demo, "agency-domains.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            domains_of.setdefault(row["agency"], []).append(row["domain"])

    # Encounters: agency by workload, day by the calendar.
    days = calendar()
    agencies = sorted(WORKLOAD)
    total = sum(WORKLOAD.values())
    encounters = []
    seq = {}
    for _ in range(N_ENCOUNTERS):
        ag = rnd.choices(agencies, [WORKLOAD[x] / total for x in agencies])[0]
        doms = domains_of[ag]
        dom = doms[0] if len(doms) == 1 else rnd.choices(doms, [0.85] + [0.15 / (len(doms) - 1)] * (len(doms) - 1))[0]
        day = rnd.choices([d for d, _ in days], [v for _, v in days])[0]
        size = pick(rnd, SIZES)
        outcome = pick(rnd, [(o[0], o[1]) for o in OUTCOMES])
        encounters.append([ag, dom, size, pick(rnd, DISTRICTS), day, outcome])
    encounters.sort(key=lambda e: (e[4], e[0]))
    rows = []
    enc = {}
    for e in encounters:
        seq[e[0]] = seq.get(e[0], 0) + 1
        eid = "%s-%d-%05d" % (e[0], YEAR, seq[e[0]])
        enc[eid] = e
        rows.append([eid, e[0], e[1], e[2], e[3], e[4].isoformat(), e[5]])
    manyi("import", "encounters", write_csv(path("encounters.csv"),
          ["encounter_id", "agency", "domain", "size", "district", "occurred_on", "outcome"], rows))
    log("demo: %d encounters" % len(rows))

    # The phone sample, stratified by agency.
    out = manyi("sample", "--survey", ENTERPRISE, "--n", str(PHONE_SAMPLE), "--by", "agency",
                "--allocation", "proportional", "--seed", str(seed),
                "--from", "%d-01-01" % YEAR, "--to", "%d-12-31" % YEAR)
    sampled = [r["encounter_id"] for r in csv.DictReader(out.splitlines())]
    sampled.sort()

    # Dispositions: each agency its own mix (PLANTED: the weak ones refuse more).
    disp_rows = []
    answers = []  # (encounter_id, channel, submitted_at, answers)
    agency_rnd = random.Random(seed + 1)
    mix = {}
    for ag in agencies:
        j = agency_rnd.uniform(-0.05, 0.05)
        refusal = 0.14 + (0.06 if ag in AGENCY_SHIFT and AGENCY_SHIFT[ag] < 0 else 0.0)
        mix[ag] = [("complete", 0.50 + j - (refusal - 0.14)), ("partial", 0.03), ("refusal", refusal),
                   ("non_contact", 0.17 - j), ("other", 0.02), ("unknown", 0.06), ("ineligible", 0.08)]
    for eid in sampled:
        ag, dom, size, district, day, outcome = enc[eid]
        disp = pick(rnd, mix[ag])
        attempts = {"complete": rnd.randint(1, 3), "partial": rnd.randint(1, 3), "refusal": rnd.randint(1, 2),
                    "non_contact": rnd.randint(4, 6), "other": rnd.randint(1, 4), "unknown": 6,
                    "ineligible": 1}[disp]
        call = day + dt.timedelta(days=rnd.randint(3, 21))
        when = stamp(call, rnd, 9, 18)
        disp_rows.append([eid, ENTERPRISE, disp, attempts, when])
        if disp == "complete":
            answers.append((eid, "phone", when, answer(rnd, ag, day, outcome, PROBLEM_OF)))
    manyi("import", "dispositions", write_csv(path("dispositions.csv"),
          ["encounter_id", "survey", "outcome", "attempts", "last_call_at"], disp_rows))

    # Every other encounter got a web invitation (the QR notice left at the
    # inspection); a smaller share answered, by QR code mostly.
    manyi("invite", "--survey", ENTERPRISE, "--uninvited")
    in_sample = set(sampled)
    for eid in sorted(enc):
        if eid in in_sample:
            continue
        ag, dom, size, district, day, outcome = enc[eid]
        p = 0.085 * {"large": 1.4, "medium": 1.2, "small": 1.0, "micro": 0.85}[size]
        if rnd.random() < p:
            late = 0 if rnd.random() < 0.6 else rnd.randint(1, 10)
            channel = "qr" if rnd.random() < 0.72 else "web"
            extra = [("repeated_inspections", 0.25)] if ag == "A06" else ()
            answers.append((eid, channel, stamp(day + dt.timedelta(days=late), rnd, 8, 23),
                            answer(rnd, ag, day, outcome, PROBLEM_OF, extra)))
    cols = ITEMS + ["overall", "encounter_type", "problems", "comment"]
    rows = []
    for eid, channel, when, ans in sorted(answers, key=lambda x: x[2]):
        ans["encounter_type"] = encounter_type(rnd, enc[eid][5])
        rows.append([eid, "", "", "", channel, when] + [ans.get(c, "") for c in cols])
    manyi("import", "responses", "--survey", ENTERPRISE, write_csv(path("responses-enterprise.csv"),
          ["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + cols, rows))
    log("demo: %d phone cases, %d enterprise answers" % (len(sampled), len(rows)))

    # The public survey: citizens choose the agency themselves (no invitation).
    public_load = {"A03": 40, "A01": 22, "A04": 12, "A02": 8, "A07": 6, "A05": 5, "A16": 4,
                   "A09": 4, "A06": 3, "A11": 3, "A17": 2, "A15": 2}
    pub_agencies = sorted(public_load)
    rows = []
    for _ in range(1400):
        ag = rnd.choices(pub_agencies, [public_load[x] for x in pub_agencies])[0]
        day = rnd.choices([d for d, _ in days], [max(v, 0.5) for _, v in days])[0]
        ans = answer(rnd, ag, day, "", PUBLIC_PROBLEM_OF)
        ans["encounter_type"] = pick(rnd, [("street", 0.3), ("complaint", 0.25), ("penalty", 0.1),
                                           ("inspection", 0.1), ("witnessed", 0.2), ("other", 0.05)])
        rows.append(["", ag, domains_of[ag][0], "household", "web", stamp(day, rnd, 7, 23)] +
                    [ans.get(c, "") for c in cols])
    rows.sort(key=lambda r: r[5])
    manyi("import", "responses", "--survey", PUBLIC, write_csv(path("responses-public.csv"),
          ["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] + cols, rows))
    log("demo: %d public answers" % len(rows))

    # The year's figures, published for /results.
    period = ["--from", "%d-01-01" % YEAR, "--to", "%d-12-31" % YEAR]
    manyi("publish", "--survey", ENTERPRISE, "--by", "agency", "--measure", "index", *period)
    # The satisfaction rate (a scale item's: overall) beside the index.
    manyi("publish", "--survey", ENTERPRISE, "--by", "agency", "--measure", "overall", *period)
    manyi("publish", "--survey", PUBLIC, "--by", "agency", "--measure", "index",
          "--weighting", "none", *period)

    # The efficacy evaluation's other two dimensions, then the evaluation.
    case_review(manyi, path, seed, days, domains_of)
    supervision(manyi, path, seed, domains_of)
    usage = command_help(manyi, "evaluate")
    if usage is not None:
        # The enterprise survey's satisfaction and the rubric's quality.
        which = (["--survey", ENTERPRISE] if "--survey" in usage else []) + \
            (["--rubric", RUBRIC] if "--rubric" in usage else [])
        manyi("evaluate", "--year", str(YEAR), "--seed", str(YEAR), *which)
        log("demo: the %d evaluation stored (manyi evaluate)" % YEAR)
        # Its report on the public page (/results), with its archive.
        if command_help(manyi, "report") is not None:
            manyi("publish", "evaluation", "--year", str(YEAR))
            log("demo: the %d efficacy report published (manyi publish evaluation)" % YEAR)


# --- Case-file review (执法质量) --------------------------------------------

RUBRIC = "case-review"
# The rubric's points items and their maxima (surveys/case-review.json),
# and how often each is where a file loses points.
POINTS = [("subject", 10, 0.4), ("facts", 15, 1.0), ("evidence", 15, 1.6), ("procedure", 15, 1.5),
          ("law", 15, 0.9), ("discretion", 10, 1.0), ("documents", 10, 1.4), ("service", 5, 0.8),
          ("archiving", 5, 0.9)]
# Major defects (the veto tier) and how often each is the one a defective file has.
DEFECTS = [("no_authority", 0.03), ("uncertified_officer", 0.06), ("facts_unclear", 0.12),
           ("insufficient_evidence", 0.30), ("wrong_law", 0.10), ("unlawful_procedure", 0.22),
           ("single_officer", 0.13), ("not_transferred", 0.04)]
# Closed case files a year: about one for every eight encounters.
CASES_PER_ENCOUNTER = 0.135
# PLANTED: file quality (mean total of 100) and the chance of a major defect.
CITY_QUALITY, CITY_DEFECT = 88.0, 0.03
QUALITY_SHIFT = {"A06": -11.0, "A09": -10.0, "A07": 8.0}
DEFECT_RATE = {"A06": 0.22, "A09": 0.20, "A07": 0.01}
KINDS = [("penalty", 0.46), ("inspection", 0.28), ("coercion", 0.10), ("licence", 0.11), ("other", 0.05)]
# The outcome by kind, with the 两轻两免 (包容审慎) lists: lighter 从轻, mitigated
# 减轻, exempted 不予处罚, coercion_exempted 不予行政强制.
CASE_OUTCOMES = {
    "penalty": [("penalised", 0.60), ("lighter", 0.12), ("mitigated", 0.07), ("exempted", 0.14),
                ("not_penalised", 0.04), ("other", 0.03)],
    "inspection": [("not_penalised", 0.80), ("exempted", 0.10), ("other", 0.10)],
    "coercion": [("coercion_exempted", 0.28), ("other", 0.72)],
    "licence": [("other", 0.92), ("not_penalised", 0.08)],
    "other": [("other", 1.0)],
}
ENTERPRISE_SHARE = {"A03": 0.45, "A14": 0.50, "A15": 0.40, "A05": 0.85, "A01": 0.82}
# The panel: (code, name, affiliation, conflicts, severity in points).
# Each member employed by an agency conflicts with it; R03's firm is the
# transport bureau's legal adviser (法律顾问).
PANEL = [
    ("R01", "刘建华", "市人大常委会法制工作委员会", "", 2.5),
    ("R02", "陈静", "市人大常委会监察和司法工作委员会", "", 0.5),
    ("R03", "王志强", "江城律师事务所", "A04", -1.0),
    ("R04", "李晓梅", "明理律师事务所", "", 1.0),
    ("R05", "张伟", "楚天律师事务所", "", -3.5),
    ("R06", "赵敏", "市司法局行政执法监督科", "", -0.5),
    ("R07", "孙立", "市市场监督管理局法规科", "A01", 1.5),
    ("R08", "周磊", "市城市管理执法委员会法制科", "A03", 0.0),
    ("R09", "吴芳", "市生态环境局政策法规科", "A02", -1.5),
    ("R10", "郑涛", "市交通运输局政策法规科", "A04", 1.0),
]
# The reviewer tools/demo.sh gives a sign-in; a few of their files stay open.
DEMO_REVIEWER = "R03"
REVIEW_PER_AGENCY = 12
REVIEW_DOUBLE = 0.2
# The panel met in January 2026.
REVIEW_DAYS = [dt.date(YEAR + 1, 1, 5) + dt.timedelta(days=i) for i in range(21)]
# The item a major defect costs points on.
DEFECT_ITEM = {"no_authority": "subject", "uncertified_officer": "subject", "facts_unclear": "facts",
               "insufficient_evidence": "evidence", "wrong_law": "law", "unlawful_procedure": "procedure",
               "single_officer": "procedure", "not_transferred": "law"}
REVIEW_COMMENT = {
    "subject": ["执法主体资格材料未入卷", "委托执法手续不全"],
    "facts": ["违法事实认定表述不清", "案件事实与证据对应不够"],
    "evidence": ["缺少现场检查笔录", "询问笔录未经当事人签字确认", "证据材料未注明来源"],
    "procedure": ["未见法制审核意见", "告知陈述申辩权利的时间不足", "立案审批晚于调查取证"],
    "law": ["适用法律条款未具体到项", "引用的规章已修订"],
    "discretion": ["未说明裁量理由", "裁量基准适用不明确"],
    "documents": ["文书编号不规范", "文书存在涂改", "文书要素不全"],
    "service": ["送达回证缺失", "送达方式不符合规定"],
    "archiving": ["卷内目录不完整", "归档超期", "卷宗装订顺序混乱"],
}
DEFECT_COMMENT = {
    "no_authority": "超越职权作出处理", "uncertified_officer": "执法人员无有效执法证件",
    "facts_unclear": "主要事实不清", "insufficient_evidence": "主要证据不足",
    "wrong_law": "适用法律错误", "unlawful_procedure": "违反法定程序",
    "single_officer": "现场检查仅一名执法人员", "not_transferred": "涉嫌犯罪未移送司法机关",
}


def points_for(rnd, total, floor):
    """Points per rubric item adding up to total (0..100): the loss spread
    over the items, more on those where files usually lose points, and at
    least floor[item] off an item."""
    ded = {it: floor.get(it, 0) for it, _, _ in POINTS}
    loss = 100 - total - sum(ded.values())
    weights = [w * rnd.expovariate(1.0) for _, _, w in POINTS]
    while loss > 0:
        open_items = [(i, w) for i, w in enumerate(weights) if ded[POINTS[i][0]] < POINTS[i][1]]
        i = rnd.choices([i for i, _ in open_items], [w + 0.05 for _, w in open_items])[0]
        ded[POINTS[i][0]] += 1
        loss -= 1
    return {it: mx - ded[it] for it, mx, _ in POINTS}, ded


def case_registry(rnd, days, domains_of):
    """Rows of the case registry: closed files decided on working days."""
    workdays = [(d, v) for d, v in days if v >= 0.4]
    rows = []
    for ag in sorted(WORKLOAD):
        n = max(18, int(round(WORKLOAD[ag] * CASES_PER_ENCOUNTER * rnd.uniform(0.9, 1.1))))
        doms = domains_of[ag]
        files = []
        for _ in range(n):
            kind = pick(rnd, KINDS)
            dom = doms[0] if len(doms) == 1 or rnd.random() < 0.85 else rnd.choice(doms[1:])
            day = rnd.choices([d for d, _ in workdays], [v for _, v in workdays])[0]
            ent = "yes" if rnd.random() < ENTERPRISE_SHARE.get(ag, 0.72) else "no"
            files.append((day, dom, kind, ent, pick(rnd, CASE_OUTCOMES[kind])))
        files.sort()
        for i, (day, dom, kind, ent, outcome) in enumerate(files, 1):
            rows.append(["%s-%d-%04d" % (ag, YEAR, i), ag, dom, kind, day.isoformat(), ent, outcome])
    return rows


def review_row(rnd, case, reviewer, truth, severity, when, dispute=None):
    """One review of a file: its points, flags and comment.  dispute:
    "totals" (this reviewer sees far more or less wrong than the other) or
    "defects" (this one alone finds, or misses, the major defect)."""
    true_total, defect = truth
    noise = rnd.gauss(0, 8.0 if rnd.random() < 0.08 else 3.2)
    if dispute == "totals":
        noise = (-1 if true_total + severity > 82 else 1) * rnd.uniform(13, 18)
    flags = {d: "no" for d, _ in DEFECTS}
    if dispute == "defects":
        flags[defect or pick(rnd, DEFECTS)] = "no" if defect else "yes"
    elif defect and rnd.random() < 0.88:
        flags[defect] = "yes"
    elif not defect and rnd.random() < 0.005:
        flags[pick(rnd, DEFECTS)] = "yes"
    # A major defect found costs at least half its item's points.
    floor = {}
    for d in flags:
        if flags[d] == "yes":
            it = DEFECT_ITEM[d]
            floor[it] = max(floor.get(it, 0), (dict((i, m) for i, m, _ in POINTS)[it] + 1) // 2)
    total = int(round(min(100 - sum(floor.values()), max(35, true_total + severity + noise))))
    pts, ded = points_for(rnd, total, floor)
    notes = [DEFECT_COMMENT[d] for d in flags if flags[d] == "yes"]
    worst = sorted((v / mx, it) for it, mx, _ in POINTS for v in [ded[it]] if v)[::-1]
    for share, it in worst[:2]:
        if share >= 0.2 or rnd.random() < 0.3:
            notes.append(rnd.choice(REVIEW_COMMENT[it]))
    comment = "；".join(notes) + "。" if notes and rnd.random() < 0.85 else ""
    return ([case, reviewer, when] + [pts[it] for it, _, _ in POINTS] +
            [flags[d] for d, _ in DEFECTS] + [comment])


def review_header():
    return ["case_id", "reviewer", "submitted_at"] + [it for it, _, _ in POINTS] + \
        [d for d, _ in DEFECTS] + ["comment"]


def case_review(manyi, path, seed, days, domains_of):
    """The case registry, the panel, the sample, its reviews and two
    adjudications."""
    rnd = random.Random(seed + 13)
    rows = case_registry(rnd, days, domains_of)
    manyi("import", "cases", write_csv(path("cases.csv"),
          ["case_id", "agency", "domain", "kind", "decided_on", "enterprise", "outcome"], rows))
    agency_of = {r[0]: r[1] for r in rows}
    for code, name, aff, conflicts, _ in PANEL:
        args = ["reviewer", "add", code, "--name", name, "--affiliation", aff]
        manyi(*(args + (["--conflict", conflicts] if conflicts else [])))
    out = manyi("review", "sample", "--survey", RUBRIC, "--per-agency", str(REVIEW_PER_AGENCY),
                "--by-kind", "--double", str(REVIEW_DOUBLE), "--seed", str(seed),
                "--from", "%d-01-01" % YEAR, "--to", "%d-12-31" % YEAR)
    assigned = [(r["case_id"], r["reviewer"], r["round"]) for r in csv.DictReader(out.splitlines())]
    # Each file's true quality: its agency's level, the file's own.
    truth = {}
    for case in sorted({c for c, _, _ in assigned}):
        ag = agency_of[case]
        defect = pick(rnd, DEFECTS) if rnd.random() < DEFECT_RATE.get(ag, CITY_DEFECT) else None
        total = CITY_QUALITY + QUALITY_SHIFT.get(ag, 0.0) + rnd.gauss(0, 5.5) - (9.0 if defect else 0.0)
        truth[case] = (total, defect)
    severity = {p[0]: p[4] for p in PANEL}
    # A few of the demo reviewer's files stay open (their queue at sign-in),
    # and one reviewer is two files behind.
    mine = [a for a in assigned if a[1] == DEMO_REVIEWER]
    behind = set(mine[-3:]) | set([a for a in assigned if a[1] == "R08"][-2:])
    # PLANTED: among the files reviewed twice, four where the second review
    # differs by more than 10 points and one where the major defect is in
    # dispute (besides what chance brings).
    twice = sorted({c for c, _, r in assigned if r == "2"} -
                   {c for c, _, _ in behind})
    disputed = rnd.sample(twice, 5)
    dispute = dict([(c, "totals") for c in disputed[:4]] + [(c, "defects") for c in disputed[4:]])
    reviews = []
    for case, reviewer, rnd_no in sorted(assigned):
        if (case, reviewer, rnd_no) in behind:
            continue
        when = stamp(rnd.choice(REVIEW_DAYS[:-3]) if rnd_no == "1" else rnd.choice(REVIEW_DAYS[3:]),
                     rnd, 9, 18)
        reviews.append(review_row(rnd, case, reviewer, truth[case], severity[reviewer], when,
                                  dispute.get(case) if rnd_no == "2" else None))
    reviews.sort(key=lambda r: (r[2], r[0]))
    manyi("import", "reviews", "--survey", RUBRIC, write_csv(path("reviews.csv"), review_header(), reviews))
    log("demo: %d case files, %d assigned for review, %d reviews" % (len(rows), len(assigned), len(reviews)))

    # Two of the disagreements settled: a third review, a panel decision.
    out = manyi("review", "disagreements", "--survey", RUBRIC)
    open_files = [r for r in csv.DictReader(out.splitlines())]
    conflicts = {p[0]: set(p[3].split(",")) - {""} for p in PANEL}
    on_file = {}
    for case, reviewer, _ in assigned:
        on_file.setdefault(case, set()).add(reviewer)
    third = [r for r in open_files if "totals" in r["reason"]][:1]
    for r in third:
        case = r["case_id"]
        free = [p[0] for p in PANEL if p[0] not in on_file[case] and agency_of[case] not in conflicts[p[0]]
                and p[0] != DEMO_REVIEWER]
        who = rnd.choice(free)
        manyi("review", "adjudicate", case, "--survey", RUBRIC, "--third", who)
        manyi("import", "reviews", "--survey", RUBRIC, write_csv(path("reviews-third.csv"), review_header(),
              [review_row(rnd, case, who, truth[case], severity[who], stamp(REVIEW_DAYS[-1], rnd, 9, 18))]))
    done = {r["case_id"] for r in third}
    for r in [r for r in open_files if r["case_id"] not in done][:1]:
        total, defect = truth[r["case_id"]]
        manyi("review", "adjudicate", r["case_id"], "--survey", RUBRIC, "--decide",
              "--total", str(int(round(min(100, max(0, total))))), "--defect", "yes" if defect else "no",
              "--note", "专家组合议：" + (DEFECT_COMMENT[defect] + "，构成重大缺陷" if defect
                                         else "证据瑕疵不构成重大缺陷，按合议分数计"))


# --- Supervision duties (监管履行) --------------------------------------------

# What each domain supervises and under which law.
SUPERVISED = {
    "market": ("《产品质量法》《食品安全法》", ["食品生产经营企业", "特种设备使用单位", "产品质量"]),
    "drugs": ("《药品管理法》", ["药品零售企业", "医疗器械经营企业"]),
    "ecology": ("《环境保护法》", ["重点排污单位", "建设项目环评落实"]),
    "urban": ("《城市市容和环境卫生管理条例》", ["户外广告设施", "建筑垃圾运输", "占道经营"]),
    "transport": ("《道路运输条例》", ["道路客运企业", "危险货物运输企业"]),
    "labour": ("《劳动保障监察条例》", ["用人单位工资支付", "建设领域农民工工资"]),
    "emergency": ("《安全生产法》", ["危险化学品企业", "工贸企业粉尘涉爆", "非煤矿山"]),
    "health": ("《基本医疗卫生与健康促进法》", ["医疗机构", "公共场所卫生", "职业病危害"]),
    "natural_resources": ("《土地管理法》", ["土地利用动态巡查", "矿产资源开采"]),
    "housing": ("《建设工程质量管理条例》", ["在建工程质量安全", "房地产开发企业", "物业服务企业"]),
    "agriculture": ("《农产品质量安全法》", ["农资经营门店", "动物防疫"]),
    "culture_tourism": ("《旅行社条例》", ["旅行社", "娱乐场所"]),
    "water": ("《水法》", ["河道采砂", "取水许可", "水库大坝安全"]),
    "commerce": ("《单用途商业预付卡管理办法》", ["预付卡发卡企业", "成品油零售"]),
    "education": ("《民办教育促进法》", ["校外培训机构", "民办学校"]),
    "civil_affairs": ("《社会组织登记管理条例》", ["社会组织", "养老机构"]),
    "fire": ("《消防法》", ["人员密集场所", "高层建筑消防设施"]),
    "medical_insurance": ("《医疗保障基金使用监督管理条例》", ["定点医药机构", "医保基金使用"]),
    "statistics": ("《统计法》", ["统计调查对象数据质量"]),
    "forestry": ("《森林法》", ["林木采伐", "野生动物经营利用"]),
    "civil_defence": ("《人民防空法》", ["人防工程维护"]),
    "meteorology": ("《气象法》", ["防雷装置检测", "施放气球单位"]),
}
# Random inspections (双随机、一公开) are planned under the State Council's opinion.
RANDOM_CHECKS = "国发〔2019〕5号"
# PLANTED: A12 performs none of several duties (what supervision letters are about).
NEVER_PERFORMED = {"A12": 3}


def duties(rnd, domains_of):
    """Rows of the duties (duty_id,agency,domain,name,basis,required) and of
    their performance in YEAR (duty_id,year,performed)."""
    drows, prows = [], []
    for ag in sorted(WORKLOAD):
        plan = []
        for dom in domains_of[ag]:
            basis, objects = SUPERVISED[dom]
            for obj in objects:
                plan.append((dom, "“双随机、一公开”抽查：%s" % obj, basis + "；" + RANDOM_CHECKS, "sample"))
            plan.append((dom, "%s专项检查" % objects[0], basis, "campaign"))
        plan.append((domains_of[ag][0], "投诉举报核查处置", "《市场监督管理投诉举报处理暂行办法》" if ag == "A01"
                     else SUPERVISED[domains_of[ag][0]][0], "complaints"))
        if rnd.random() < 0.35:
            plan.append((domains_of[ag][0], "突发事件执法检查（按需开展）",
                         SUPERVISED[domains_of[ag][0]][0], "on_demand"))
        size = WORKLOAD[ag] / 1000.0
        never = set(rnd.sample(range(len(plan) - 1), min(NEVER_PERFORMED.get(ag, 0), len(plan) - 1)))
        level = {"A06": 0.86, "A09": 0.87, "A07": 0.98}.get(ag, rnd.uniform(0.9, 0.97))
        for i, (dom, name, basis, kind) in enumerate(plan, 1):
            duty = "%s-D%02d" % (ag, i)
            required = {"sample": max(4, int(round(rnd.uniform(15, 40) * size))),
                        "campaign": max(2, int(round(rnd.uniform(4, 12) * size))),
                        "complaints": max(3, int(round(rnd.uniform(10, 30) * size))),
                        "on_demand": 0}[kind]
            if i - 1 in never:
                performed = 0
            elif kind == "on_demand":
                performed = rnd.randint(0, 3)
            else:
                ratio = min(1.2, max(0.55, rnd.gauss(level, 0.08)))
                performed = int(round(required * ratio))
            drows.append([duty, ag, dom, name, basis, required])
            prows.append([duty, YEAR, performed])
    return drows, prows


def supervision(manyi, path, seed, domains_of):
    """The duties and their performance, imported once manyi has the imports."""
    drows, prows = duties(random.Random(seed + 14), domains_of)
    dfile = write_csv(path("duties.csv"), ["duty_id", "agency", "domain", "name", "basis", "required"], drows)
    pfile = write_csv(path("performance.csv"), ["duty_id", "year", "performed"], prows)
    if "import duties" not in manyi("help", "import"):
        log("demo: manyi has no `import duties` yet: the supervision duties are not loaded")
        return
    manyi("import", "duties", dfile)
    manyi("import", "performance", pfile)
    log("demo: %d supervision duties" % len(drows))


def command_help(manyi, name):
    """`manyi help NAME`'s text, None when manyi has no such command."""
    p = subprocess.run([manyi.binary, "help", name], capture_output=True, text=True)
    return p.stdout + p.stderr if p.returncode == 0 else None


if __name__ == "__main__":
    main()
