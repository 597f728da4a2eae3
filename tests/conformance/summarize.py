#!/usr/bin/env python3
"""Prints the Autobahn|Testsuite client report (index.json) as a Markdown table
of outcomes per case group, and exits 1 if any case FAILED or is missing.

Usage: summarize.py REPORT_DIR/index.json AGENT
"""
import collections
import json
import sys

PASSING = {"OK", "NON-STRICT", "INFORMATIONAL"}

index, agent = sys.argv[1], sys.argv[2]
cases = json.load(open(index))[agent]
groups = collections.OrderedDict()
failed = []
for case_id in sorted(cases, key=lambda c: [int(p) for p in c.split(".")]):
    result = cases[case_id]
    group = groups.setdefault(case_id.split(".")[0], collections.Counter())
    group[result["behavior"]] += 1
    if result["behavior"] not in PASSING or result["behaviorClose"] not in PASSING:
        failed.append(f"{case_id}: {result['behavior']} / close {result['behaviorClose']}")

outcomes = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
print("| cases | " + " | ".join(outcomes) + " | total |")
print("|---" * (len(outcomes) + 2) + "|")
for name, counts in groups.items():
    print(f"| {name}.* | " + " | ".join(str(counts.get(o, 0)) for o in outcomes) + f" | {sum(counts.values())} |")
total = collections.Counter()
for counts in groups.values():
    total.update(counts)
print("| all | " + " | ".join(str(total.get(o, 0)) for o in outcomes) + f" | {sum(total.values())} |")
for line in failed:
    print("FAILED " + line, file=sys.stderr)
sys.exit(1 if failed else 0)
