#!/usr/bin/env python3
"""Turn kube-prometheus' rules (rules.yml) into one ccmon monitoring.toml.

    python3 tests/kube-prometheus/convert.py [--no-tiers] [--out FILE]

Reads rules.yml next to this script and writes monitoring.toml next to it (or FILE; `-` for
standard output). The output depends only on rules.yml: the same input gives the same bytes.

Mapping (README.md lists the normalisations and why):

* each rule group is a [[dimension]]: `name` and `title` are the group name as written,
  `interval` the group's interval if it has one;
* a recording rule is a [[record]] (name, expr, labels, dimension);
* an alerting rule is an [[alert]] of kind "raw": name, expr, `for`, `keep_firing_for`,
  severity from labels.severity, the other labels in `labels`, `summary` and `description`
  from the annotations of those names, `runbook` from runbook_url, any other annotation in
  `annotations`. An alert without a summary annotation (GrafanaRequestsFailing has only
  `message`) gets its `message` as summary as well: ccmon requires a summary;
* consecutive rules of one group sharing an alert name become one [[alert]] with one
  [[alert.tier]] per rule: a key whose value is the same in every rule is written once at the
  alert level, any other in each tier that has it. `labels` and `annotations` are treated as
  single keys (whole tables), `severity` is always per tier. With --no-tiers these alerts are
  left out (to validate the rest with a ccmon that has no tiers yet).
"""

import argparse
import os
import re
import sys
import tomllib

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = "https://github.com/prometheus-operator/kube-prometheus"
COMMIT = "4d719f1dea8853540b3823ab1fbe6be74a9953b3"

PROJECT = "kube-prometheus"
# Severities in this order first; any other used one is appended, sorted.
KNOWN_SEVERITIES = ["critical", "warning", "info", "none"]
# ccmon's default release. Every expression of rules.yml validates from 2.20 on (`group`, the
# newest function or aggregation used, came in 2.20; found with `ccmon validate`, README.md).
PROMETHEUS_VERSION = "2.42"
WEBHOOK_URL = "http://127.0.0.1:9095/alerts"

# Keys of an [[alert]] (and of an [[alert.tier]]) in the order they are written.
ALERT_KEYS = ["severity", "for", "keep_firing_for", "expr", "labels", "summary",
              "description", "runbook", "annotations"]


def fail(msg):
    sys.exit(f"convert.py: {msg}")


# --- TOML writing ---------------------------------------------------------------------------

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(k):
    return k if BARE_KEY.match(k) else toml_basic(k)


def toml_basic(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def has_control(s, allow_newline):
    return any((ord(c) < 0x20 and not (allow_newline and c == "\n") and c != "\t")
               or ord(c) == 0x7F for c in s)


def toml_str(s):
    """A TOML string for s: a multi-line literal string for multi-line text, a basic string
    when that needs no escape, a literal string when s has no ' or control character (PromQL
    reads better without escaped quotes), an escaped basic string otherwise."""
    if "\n" in s:
        if ("'''" not in s and not s.endswith("'") and not has_control(s, True)
                and "\r" not in s):
            # A newline right after the opening ''' is not part of the string.
            return "'''\n" + s + "'''"
        return toml_basic(s)
    if '"' not in s and "\\" not in s:
        return toml_basic(s)
    if "'" not in s and not has_control(s, False):
        return "'" + s + "'"
    return toml_basic(s)


def toml_value(v):
    if isinstance(v, str):
        return toml_str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    fail(f"cannot write {v!r} as TOML")


def table(header, entries):
    lines = [header]
    for k, v in entries:
        if v is None:
            continue
        lines.append(f"{toml_key(k)} = {toml_value(v)}")
    return "\n".join(lines) + "\n"


# --- conversion -------------------------------------------------------------------------------

def dimension_name(group):
    # ccmon takes rule group names as dimension names (letters, digits, `_`, `.`, `-`).
    return group


def str_map(m, what):
    m = m or {}
    for k, v in m.items():
        if not isinstance(k, str) or not isinstance(v, str):
            fail(f"{what}: {k!r}: {v!r} is not a string")
    return dict(sorted(m.items()))


def alert_fields(rule):
    """The ccmon keys of one alerting rule, as a dict (absent keys are left out)."""
    known = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
    unknown = set(rule) - known
    if unknown:
        fail(f"alert {rule['alert']}: unexpected keys {sorted(unknown)}")
    labels = str_map(rule.get("labels"), f"alert {rule['alert']} labels")
    annotations = str_map(rule.get("annotations"), f"alert {rule['alert']} annotations")
    if "severity" not in labels:
        fail(f"alert {rule['alert']} has no severity label")
    f = {"severity": labels.pop("severity"), "expr": rule["expr"]}
    for k in ("for", "keep_firing_for"):
        if k in rule:
            f[k] = str(rule[k])
    if labels:
        f["labels"] = labels
    if "summary" in annotations:
        f["summary"] = annotations.pop("summary")
    elif "message" in annotations:
        # Normalisation: ccmon requires a summary (CM102); the message is the text.
        f["summary"] = annotations["message"]
    else:
        fail(f"alert {rule['alert']} has neither summary nor message")
    if "description" in annotations:
        f["description"] = annotations.pop("description")
    if "runbook_url" in annotations:
        f["runbook"] = annotations.pop("runbook_url")
    if annotations:
        f["annotations"] = annotations
    return f


def severities_used(groups):
    used = {r["labels"]["severity"] for g in groups for r in g["rules"] if "alert" in r}
    return [s for s in KNOWN_SEVERITIES if s in used] + sorted(used - set(KNOWN_SEVERITIES))


def tiered_runs(rules):
    """Split a group's rules into runs: a list of rules that share one alert name (a tiered
    alert when longer than one) or a single rule. Fails when the rules of one name are not
    consecutive."""
    runs, seen = [], set()
    for r in rules:
        name = r.get("alert")
        if name is not None and runs and runs[-1][0].get("alert") == name:
            runs[-1].append(r)
            continue
        if name is not None:
            if name in seen:
                fail(f"the rules of alert {name} are not consecutive in their group")
            seen.add(name)
        runs.append([r])
    return runs


def convert(doc, no_tiers=False):
    groups = doc["groups"]
    out = []
    out.append(
        "# Generated by tests/kube-prometheus/convert.py from tests/kube-prometheus/rules.yml: the\n"
        f"# alerting and recording rules of kube-prometheus ({SOURCE},\n"
        f"# commit {COMMIT}; Apache License 2.0, see LICENSE-NOTE.md).\n"
        "# Do not edit: change convert.py and run it again.\n"
        + ("# Variant without the tiered alerts (--no-tiers).\n" if no_tiers else "")
    )
    out.append(table("[project]", [("name", PROJECT),
                                   ("severities", severities_used(groups))]))
    out.append(table("[prometheus]", [("version", PROMETHEUS_VERSION)]))
    # Only kube-prometheus' rules: ccmon's self-monitoring would add its own.
    out.append(table("[self_monitoring]", [("enabled", False)]))
    out.append(table("[[receiver]]", [("name", "webhook")]))
    out.append(table("[[receiver.webhook]]", [("url", WEBHOOK_URL)]))

    names = {}
    for g in groups:
        unknown = set(g) - {"name", "rules", "interval", "limit"}
        if unknown:
            fail(f"group {g['name']}: unexpected keys {sorted(unknown)}")
        dim = dimension_name(g["name"])
        if dim in names:
            fail(f"groups {names[dim]} and {g['name']} both become dimension {dim}")
        names[dim] = g["name"]
        out.append(f"# ---- group {g['name']} " + "-" * max(3, 80 - 13 - len(g["name"])) + "\n")
        out.append(table("[[dimension]]", [
            ("name", dim), ("title", g["name"]),
            ("interval", str(g["interval"]) if "interval" in g else None),
            ("limit", g.get("limit")),
        ]))
        for run in tiered_runs(g["rules"]):
            first = run[0]
            if "record" in first:
                unknown = set(first) - {"record", "expr", "labels"}
                if unknown:
                    fail(f"record {first['record']}: unexpected keys {sorted(unknown)}")
                labels = str_map(first.get("labels"), f"record {first['record']} labels")
                out.append(table("[[record]]", [
                    ("name", first["record"]), ("dimension", dim), ("expr", first["expr"]),
                    ("labels", labels or None),
                ]))
                continue
            head = [("name", first["alert"]), ("kind", "raw"), ("dimension", dim)]
            if len(run) == 1:
                f = alert_fields(first)
                out.append(table("[[alert]]", head + [(k, f.get(k)) for k in ALERT_KEYS]))
                continue
            if no_tiers:
                out.append(f"# alert {first['alert']} ({len(run)} tiers) left out (--no-tiers)\n")
                continue
            fields = [alert_fields(r) for r in run]
            shared = {}
            for k in ALERT_KEYS:
                if k == "severity":
                    continue
                vals = [f.get(k) for f in fields]
                if all(v == vals[0] for v in vals) and vals[0] is not None:
                    shared[k] = vals[0]
            text = table("[[alert]]", head + [(k, shared.get(k)) for k in ALERT_KEYS])
            for f in fields:
                text += table("[[alert.tier]]",
                              [(k, f.get(k)) for k in ALERT_KEYS if k not in shared])
            out.append(text)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-tiers", action="store_true",
                    help="leave out alerts with several rules (tiers)")
    ap.add_argument("--rules", default=os.path.join(HERE, "rules.yml"))
    ap.add_argument("--out", default=os.path.join(HERE, "monitoring.toml"))
    args = ap.parse_args()
    with open(args.rules, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    text = convert(doc, args.no_tiers)
    tomllib.loads(text)  # the output must at least be TOML
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
