#!/usr/bin/env python3
"""Draw the reproducible 100-rule sample of awesome-prometheus-alerts.

Usage:
    git --git-dir=<awesome-prometheus-alerts>/.git show HEAD:_data/rules.yml > rules.yml
    python3 tests/awesome/sample.py rules.yml [COMMIT]

Every rule of `_data/rules.yml` (groups -> services -> exporters -> rules) is flattened
into one list in file order, and `random.Random(13).sample(rules, 100)` picks the sample,
written (in sample order, as data) to `sample.yml` beside this script. COMMIT, if given, is
recorded in the output's header.
"""

import os
import random
import sys

import yaml

SEED = 13
SIZE = 100


def flatten(doc):
    rules = []
    for group in doc["groups"]:
        for service in group["services"]:
            for exporter in service["exporters"]:
                for rule in exporter.get("rules") or []:
                    rules.append(
                        {
                            "index": len(rules),
                            "group": group["name"],
                            "service": service["name"],
                            "exporter": exporter.get("slug", ""),
                            "rule": rule,
                        }
                    )
    return rules


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rules = flatten(doc)
    sample = random.Random(SEED).sample(rules, SIZE)
    header = (
        "# 100 rules of samber/awesome-prometheus-alerts _data/rules.yml (CC BY 4.0),\n"
        f"# drawn by tests/awesome/sample.py: random.Random({SEED}).sample(<{len(rules)} rules in file order>, {SIZE}).\n"
    )
    if len(argv) == 3:
        header += f"# Source commit: {argv[2]}\n"
    header += "# `index` is the rule's 0-based position in the flattened list. See LICENSE-NOTE.md.\n"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.yml")
    with open(out, "w", encoding="utf-8") as f:
        f.write(header)
        yaml.safe_dump(
            {"total_rules": len(rules), "seed": SEED, "sample": sample},
            f,
            sort_keys=False,
            allow_unicode=True,
            width=100000,
        )
    print(f"{len(rules)} rules, wrote {SIZE} to {out}")


if __name__ == "__main__":
    main(sys.argv)
