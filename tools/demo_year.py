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
figures.  The same seed gives the same data (the tokens and the times the
invitations were minted excepted).

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
  and free comments in Chinese that follow the ratings.

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


if __name__ == "__main__":
    main()
