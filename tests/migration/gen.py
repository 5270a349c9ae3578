#!/usr/bin/env python3
"""The inputs of make_db.sh, the same bytes on every run (seeded).

    gen.py encounters FIRST LAST            encounters CSV, E001.. over 2022-12..2023-12
    gen.py responses SURVEY.json SEED SPEC [CHANNEL]
                                            responses CSV for survey; SPEC is a
           comma list of ENCOUNTER_ID (linked answers) or AGENCY/DOMAIN (no
           encounter: the public channel); CHANNEL: every row's (else a mix)
    gen.py v2 SURVEY.json                   the changed copy of a definition:
           a new title, a new scale item and a new option (version 2)

Answers cover every case the store keeps: scores, "na", an optional item
left empty, single and several choices, "none", and free text in Chinese
with quotes, commas and newlines.
"""
import csv
import json
import random
import sys

AGENCY_DOMAINS = {"A01": ["market", "food"], "A02": ["ecology"], "A03": ["urban", "market"],
                  "A04": ["transport"],
                  "A05": ["market", "food", "ecology", "urban", "transport"]}
SIZES = ["large", "medium", "small", "micro", "household"]
OUTCOMES = ["", "no_violation", "corrected", "warning", "fined", "other"]
DISTRICTS = ["鄂城区", "华容区", "梁子湖区", "葛店开发区, 东区"]
CHANNELS = ["phone", "paper", "kiosk", "phone", "other"]
TEXTS = [
    "执法人员态度很好，程序规范。",
    'He said "all fine", then left.',
    "第一行\n第二行, with a comma",
    "",
    "多次检查，\"重复\"提交材料；希望改进",
    "ok",
    "引号'单'和\"双\"\r\n换行",
    "",
]


def encounters(first, last):
    rnd = random.Random(2023)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "district", "occurred_on", "outcome"])
    for i in range(first, last + 1):
        agency = "A0%d" % (i % 5 + 1)
        domain = rnd.choice(AGENCY_DOMAINS[agency])
        month = i % 13  # 0 is December 2022
        day = "2022-12-%02d" % (i % 28 + 1) if month == 0 else "2023-%02d-%02d" % (month, i % 28 + 1)
        w.writerow(["E%03d" % i, agency, domain, SIZES[i % 5], DISTRICTS[i % 4], day,
                    OUTCOMES[i % 6]])


def answer(item, rnd, k):
    t = item["type"]
    if t == "scale":
        if item.get("allow_na") and rnd.random() < 0.12:
            return "na"
        if not item.get("required") and rnd.random() < 0.2:
            return ""
        return str(rnd.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 5]))
    if t == "choice":
        if rnd.random() < 0.2:
            return ""
        return rnd.choice(item["options"])["value"]
    if t == "multi":
        r = rnd.random()
        if r < 0.2:
            return ""
        values = [o["value"] for o in item["options"] if o["value"] != "none"]
        if r < 0.45 and any(o["value"] == "none" for o in item["options"]):
            return "none"
        return ";".join(rnd.sample(values, min(len(values), rnd.choice([1, 1, 2, 3]))))
    return TEXTS[k % len(TEXTS)]


def responses(path, seed, spec, channel=None):
    survey = json.load(open(path))
    rnd = random.Random(int(seed))
    items = survey["items"]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["encounter_id", "agency", "domain", "size", "channel", "submitted_at"] +
               [it["id"] for it in items])
    for k, unit in enumerate(spec.split(",")):
        enc, agency, domain = (unit, "", "") if "/" not in unit else ("",) + tuple(unit.split("/"))
        when = "2023-%02d-%02dT%02d:%02d:00%s" % (k % 12 + 1, k % 27 + 1, 8 + k % 10, k % 60,
                                                 ["+08:00", "Z", "+08:00", "-05:00"][k % 4])
        w.writerow([enc, agency, domain, "", channel or CHANNELS[k % len(CHANNELS)], when] +
                   [answer(it, rnd, k) for it in items])


def v2(path):
    d = json.load(open(path))
    d["version"] = 2
    d["title"]["zh"] += "（2023年修订）"
    d["title"]["en"] += " (2023 revision)"
    d["items"].insert(8, {"id": "communication", "type": "scale",
                          "text": {"zh": "沟通：执法人员是否耐心解释？", "en": "Communication: did officers explain patiently?"},
                          "allow_na": True, "index_weight": 1})
    for it in d["items"]:
        if it["id"] == "problems":
            it["options"].insert(-2, {"value": "language_barrier",
                                      "text": {"zh": "语言沟通障碍", "en": "Language barrier"}})
    json.dump(d, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "encounters":
        encounters(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "responses":
        responses(*sys.argv[2:6])
    elif cmd == "v2":
        v2(sys.argv[2])
    else:
        sys.exit("usage: gen.py encounters|responses|v2 ...")
