#!/usr/bin/env python3
"""Render monitoring.toml with ccmon and compare its rule file with rules.yml as data.

    python3 tests/kube-prometheus/compare.py [--ccmon BINARY] [--no-tiers] [--keep DIR]

Renders tests/kube-prometheus/monitoring.toml (with --no-tiers: the output of
`convert.py --no-tiers`, a temporary file) into a temporary folder (or DIR), reads
prometheus/rules/kube-prometheus.rules.yml and compares it with rules.yml group by group and
rule by rule, applying only the normalisations N2-N6 of README.md. Also checks that
monitoring.toml is what convert.py writes now. Prints every difference; exit status 0 when
there is none, 1 when there are differences, 2 when ccmon fails.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import convert  # noqa: E402  (same folder: dimension names, tier runs, the TOML itself)

RULE_FILE = f"prometheus/rules/{convert.PROJECT}.rules.yml"

UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
            "w": 7 * 86_400_000, "y": 365 * 86_400_000}
DURATION = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")


def duration_ms(text):
    """N3: a Prometheus duration as milliseconds; None for an absent key. Anything else is
    returned unchanged (and so differs from every duration)."""
    if text is None:
        return None
    text = str(text)
    if not DURATION.match(text):
        return text
    return sum(int(n) * UNITS_MS[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", text))


def for_ms(text):
    """N4: `for` and `keep_firing_for` of zero are the same as no key."""
    ms = duration_ms(text)
    return None if ms == 0 else ms


class Diffs:
    def __init__(self):
        self.items = []

    def add(self, where, what, original, rendered):
        self.items.append(f"{where}: {what}\n    original: {original!r}\n    rendered: {rendered!r}")


def expected_groups(doc, no_tiers):
    """The original groups; with --no-tiers without the tiered alerts' rules, and without
    groups left empty (ccmon writes no group for a dimension without rules)."""
    groups = []
    for g in doc["groups"]:
        rules = g["rules"]
        if no_tiers:
            rules = [r for run in convert.tiered_runs(rules) if len(run) == 1 for r in run]
        if rules:
            groups.append(dict(g, rules=rules))
    return groups


def compare_rule(where, dim, o, r, d):
    keys = set(o) | set(r)
    unknown = keys - {"record", "alert", "expr", "for", "keep_firing_for", "labels",
                      "annotations"}
    for k in sorted(unknown):
        d.add(where, f"key {k}", o.get(k), r.get(k))
    for k in ("record", "alert"):
        if o.get(k) != r.get(k):
            d.add(where, k, o.get(k), r.get(k))
    # N2: expressions are compared as exact strings after stripping leading and trailing
    # whitespace (ccmon trims; YAML `|` blocks end with a newline).
    oe, re_ = (o.get("expr") or "").strip(), (r.get("expr") or "").strip()
    if oe != re_:
        d.add(where, "expr", oe, re_)
    for k in ("for", "keep_firing_for"):
        if for_ms(o.get(k)) != for_ms(r.get(k)):
            d.add(where, k, o.get(k), r.get(k))
    ol, rl = dict(o.get("labels") or {}), dict(r.get("labels") or {})
    if "alert" in o:
        # N5: ccmon adds the label dimension = the dimension name to every alert.
        if rl.get("dimension") != dim:
            d.add(where, "label dimension (added by ccmon)", dim, rl.get("dimension"))
        if "dimension" not in ol:
            rl.pop("dimension", None)
    if ol != rl:
        d.add(where, "labels", ol, rl)
    oa, ra = dict(o.get("annotations") or {}), dict(r.get("annotations") or {})
    # N6: an alert without a summary annotation gets its message annotation as summary.
    if "alert" in o and "summary" not in oa and "message" in oa:
        if ra.get("summary") != oa["message"]:
            d.add(where, "annotation summary (copied from message)", oa["message"],
                  ra.get("summary"))
        ra.pop("summary", None)
    if oa != ra:
        d.add(where, "annotations", oa, ra)


def compare(original_groups, rendered, d):
    rgroups = rendered.get("groups") or []
    if set(rendered) != {"groups"}:
        d.add("file", "top-level keys", ["groups"], sorted(rendered))
    if len(original_groups) != len(rgroups):
        d.add("file", "number of groups", len(original_groups), len(rgroups))
    for i, (og, rg) in enumerate(zip(original_groups, rgroups)):
        dim = convert.dimension_name(og["name"])
        where = f"group {i + 1} {og['name']!r}"
        if rg.get("name") != dim:
            d.add(where, "name", dim, rg.get("name"))
        for k in sorted((set(og) | set(rg)) - {"name", "rules"}):
            ov, rv = og.get(k), rg.get(k)
            if k == "interval":
                ov, rv = duration_ms(ov), duration_ms(rv)
            if ov != rv:
                d.add(where, k, og.get(k), rg.get(k))
        orules, rrules = og["rules"], rg.get("rules") or []
        if len(orules) != len(rrules):
            d.add(where, "number of rules", len(orules), len(rrules))
        for j, (o, r) in enumerate(zip(orules, rrules)):
            name = o.get("alert") or o.get("record")
            compare_rule(f"{where} rule {j + 1} {name}", dim, o, r, d)
    for rg in rgroups[len(original_groups):]:
        d.add("file", "extra rendered group", None, rg.get("name"))
    for og in original_groups[len(rgroups):]:
        d.add("file", "missing group", og["name"], None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ccmon", default=os.environ.get("CCMON", "/work/ccmon-snap"),
                    help="ccmon binary (default $CCMON or /work/ccmon-snap)")
    ap.add_argument("--no-tiers", action="store_true",
                    help="render `convert.py --no-tiers` and leave the tiered alerts out")
    ap.add_argument("--keep", metavar="DIR", help="render into DIR and keep it")
    args = ap.parse_args()

    with open(os.path.join(HERE, "rules.yml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    d = Diffs()
    tmp = tempfile.TemporaryDirectory(prefix="kube-prometheus-")
    committed = os.path.join(HERE, "monitoring.toml")
    with open(committed, encoding="utf-8") as f:
        if f.read() != convert.convert(doc):
            d.add("monitoring.toml", "differs from what convert.py writes (run convert.py)",
                  "convert.py output", "committed file")
    if args.no_tiers:
        config = os.path.join(tmp.name, "monitoring.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(convert.convert(doc, no_tiers=True))
    else:
        config = committed
    out = args.keep or os.path.join(tmp.name, "out")
    p = subprocess.run([args.ccmon, "render", config, "--out", out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        sys.stdout.write(p.stderr)
        print(f"compare.py: `{args.ccmon} render` failed (exit {p.returncode})")
        sys.exit(2)
    with open(os.path.join(out, RULE_FILE), encoding="utf-8") as f:
        rendered = yaml.safe_load(f)
    original = expected_groups(doc, args.no_tiers)
    compare(original, rendered, d)

    for item in d.items:
        print(item)
    nrules = sum(len(g["rules"]) for g in original)
    print(f"compared {len(original)} groups, {nrules} rules: {len(d.items)} differences")
    sys.exit(1 if d.items else 0)


if __name__ == "__main__":
    main()
