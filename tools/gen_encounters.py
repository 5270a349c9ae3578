#!/usr/bin/env python3
"""Write a synthetic encounters CSV (for tests and benchmarks).

    gen_encounters.py N [SEED] [--bad-at LINE]

Agencies A01..A12 with very different sizes, the demo domains, sizes and
districts of a prefecture-level city, dates across 2022.  --bad-at puts an
unknown agency on that line (line 1 is the header).
"""
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
n = int(args[0])
rnd = random.Random(int(args[1]) if len(args) > 1 else 1)
bad = None
if "--bad-at" in sys.argv:
    bad = int(sys.argv[sys.argv.index("--bad-at") + 1])
domains = ["market", "ecology", "urban", "transport", "labour", "emergency", "health",
           "natural_resources", "housing", "agriculture", "culture_tourism", "water"]
agencies = ["A%02d" % i for i in range(1, 13)]
weights = [2 ** (i % 6) for i in range(12)]
sizes = ["large", "medium", "small", "micro", "household"]
districts = ["鄂城区", "华容区", "梁子湖区", "葛店开发区", "临空经济区"]
outcomes = ["", "no_violation", "corrected", "warning", "fined", "other"]
out = sys.stdout
out.write("encounter_id,agency,domain,size,district,occurred_on,outcome\n")
for i in range(n):
    line = i + 2
    a = rnd.choices(agencies, weights)[0]
    if line == bad:
        a = "NOPE"
    out.write("E%07d,%s,%s,%s,%s,2022-%02d-%02d,%s\n" % (
        i + 1, a, rnd.choice(domains), rnd.choice(sizes), rnd.choice(districts),
        rnd.randint(1, 12), rnd.randint(1, 28), rnd.choice(outcomes)))
