#!/usr/bin/env python3
"""The rows of tests/integrity/evidence_data.csv: three agencies, their
registry counts N, each answer's index (0-100) and whether it is flagged.
A02 pads: its flagged answers are all at the top.  Fixed seed."""
import random
random.seed(16)
print("agency,N,index,flagged")
for agency, N, n, flagged, top in (("A01", 40, 12, 3, False), ("A02", 25, 9, 4, True), ("A03", 60, 20, 5, False)):
    for i in range(n):
        f = 1 if i < flagged else 0
        if f and top:
            y = 100.0
        else:
            y = round(random.choice([25, 37.5, 50, 62.5, 75, 87.5, 100]) - random.random() * 10, 6)
        print(f"{agency},{N},{y},{f}")
