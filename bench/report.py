#!/usr/bin/env python3
"""The report of bench/compare.sh: a Markdown table, ratios, targets, stage timings.

Usage: bench/report.py WORK

Reads WORK/results.tsv (one line per run), WORK/checks.tsv, WORK/sizes.tsv,
WORK/meta.env and the arshif logs in WORK/logs/ (printed by `arshif build -v`).
Every figure is the median of the runs of a case; a case with a run cut at
the time limit is reported as "over LIMIT s", its CPU time and peak RSS as
lower bounds.
"""
import csv
import os
import re
import statistics
import sys

COLUMNS = [
    ("arshif-full", "arshif full"),
    ("arshif-edit", "arshif incremental, edit"),
    ("arshif-add", "arshif incremental, add"),
    ("hugo", "Hugo without related"),
    ("hugo-related", "Hugo with related"),
]
STAGE_CASES = ["arshif-cold", "arshif-full", "arshif-edit", "arshif-add", "arshif-delete"]
STAGE = re.compile(r"^\s+([a-z]+)\s+([0-9.]+) s$")
REUSE = re.compile(r"^\s+(articles parsed .*)$")


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


class Case:
    """The runs of one tool on one archive, summarised by medians."""

    def __init__(self, runs):
        self.runs = runs
        ok = [r for r in runs if r["status"] == "ok"]
        self.cut = any(r["status"] == "cut" for r in runs)
        self.failed = not ok and not self.cut
        use = runs if self.cut else ok
        self.wall = statistics.median(float(r["wall_s"]) for r in use) if use else None
        self.cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in use) if use else None
        self.rss_mb = statistics.median(int(r["maxrss_kb"]) for r in use) / 1024 if use else None
        self.count = len(runs)
        self.retrained = False
        for run in runs:
            if run["case"] in ("arshif-edit", "arshif-add") and os.path.exists(run["log"]):
                with open(run["log"], encoding="utf-8", errors="replace") as log:
                    self.retrained |= "(model trained)" in log.read()


def seconds(value):
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value):
    return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"


def times(value):
    return f"{value:.1f}×" if value < 100 else f"{value:.0f}×"


def cell(case, limit):
    if case is None:
        return "not run"
    if case.failed:
        return "failed"
    if case.cut:
        return f"over {limit} s / ≥ {seconds(case.cpu)} / ≥ {megabytes(case.rss_mb)}"
    mark = " †" if case.retrained else ""
    return f"{seconds(case.wall)} / {seconds(case.cpu)} / {megabytes(case.rss_mb)}{mark}"


def stages(log):
    timings, reuse = {}, None
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = STAGE.match(line)
            if match:
                timings[match.group(1)] = float(match.group(2))
            match = REUSE.match(line)
            if match:
                reuse = match.group(1)
    return timings, reuse


def main():
    work = sys.argv[1]
    meta = {}
    with open(os.path.join(work, "meta.env"), encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    limit = int(meta.get("hugo_limit", "0"))
    sizes = read_tsv(os.path.join(work, "sizes.tsv"))
    results = read_tsv(os.path.join(work, "results.tsv"))
    checks = read_tsv(os.path.join(work, "checks.tsv"))
    cases = {}
    for size in sizes:
        for name in [c for c, _ in COLUMNS] + STAGE_CASES:
            runs = [r for r in results if r["size"] == size["size"] and r["case"] == name]
            if runs:
                cases[size["size"], name] = Case(runs)

    print()
    print(f"## arshif and Hugo {meta.get('hugo', '?')}: {meta.get('date', '?')}")
    print()
    print(f"Machine: {meta.get('cores', '?')} cores ({meta.get('cpu', '?')}), {meta.get('memory_gb', '?')} GB; "
          f"load average {meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end. "
          f"arshif {meta.get('arshif', '?')}. Hugo runs limited to {limit} s.")
    print()
    print("Each cell: wall time / CPU time (user + sys) / peak RSS, the median of the runs "
          "(runs per archive in the first column).")
    print()
    print("| archive | " + " | ".join(title for _, title in COLUMNS) + " |")
    print("| --- |" + " --- |" * len(COLUMNS))
    for size in sizes:
        full = cases.get((size["size"], "arshif-full"))
        runs = full.count if full else 0
        label = f"{size['size']} ({int(size['articles']):,} articles, {runs} run{'s' if runs != 1 else ''})"
        cells = [cell(cases.get((size["size"], name)), limit) for name, _ in COLUMNS]
        print(f"| {label} | " + " | ".join(cells) + " |")
    if any(case.retrained for case in cases.values()):
        print()
        print("† The edited or added article is in the related model's training sample "
              "(`arshif build -v` says \"model trained\"), so the model was trained again and every "
              "related list computed again. The sample is chosen by URL: every article up to 8,191 "
              "articles, about 1 in 4 at 28k, 1 in 64 at 280k.")

    print()
    print("Ratios (medians; above 1× arshif is faster or smaller):")
    print()
    for size in sizes:
        full = cases.get((size["size"], "arshif-full"))
        if not full or full.failed:
            continue
        parts = []
        for name, title in [("hugo", "Hugo-no-related"), ("hugo-related", "Hugo-related")]:
            peer = cases.get((size["size"], name))
            if peer is None or peer.failed:
                continue
            if peer.cut:
                parts.append(f"{title} / arshif ≥ {times(limit / full.wall)} wall (cut at {limit} s)")
            else:
                parts.append(f"{title} / arshif = {times(peer.wall / full.wall)} wall, "
                             f"{times(peer.cpu / full.cpu)} CPU, {times(peer.rss_mb / full.rss_mb)} peak RSS")
        for name, title in [("arshif-edit", "edit"), ("arshif-add", "add")]:
            inc = cases.get((size["size"], name))
            if inc and not inc.failed:
                parts.append(f"incremental {title} = {100 * inc.wall / full.wall:.0f}% of full")
        print(f"- {size['size']}: " + "; ".join(parts))

    print()
    if checks:
        print("Incremental output = clean `--no-cache` build of the same content (diff -r): " + ", ".join(
            f"{c['size']} after {c['check']}: **{c['result']}**" for c in checks))
        print()

    print("Targets of issue 7:")
    print()
    whole = next((s["size"] for s in sizes if s["kind"] == "all"), None)
    big = next((s["size"] for s in sizes if s["kind"] == "big"), None)

    def verdict(ok):
        return "**met**" if ok else "**not met**"

    if whole is None:
        print("- 28k targets: not measured (the whole corpus was not among --sizes)")
    else:
        full = cases.get((whole, "arshif-full"))
        peer = cases.get((whole, "hugo"))
        related = cases.get((whole, "hugo-related"))
        if peer is None or peer.failed or peer.cut:
            print(f"- {whole} full build ≤ half the wall time of Hugo without related, and lower peak RSS: "
                  "not measured (Hugo without related " + ("cut" if peer and peer.cut else "not run or failed") + ")")
        else:
            share = full.wall / peer.wall
            print(f"- {whole} full build ≤ half the wall time of Hugo without related: {verdict(share <= 0.5)} "
                  f"(arshif {seconds(full.wall)}, Hugo {seconds(peer.wall)}: arshif takes {share:.2f}× Hugo's time)")
            print(f"- {whole} full build lower peak RSS than Hugo without related: {verdict(full.rss_mb < peer.rss_mb)} "
                  f"(arshif {megabytes(full.rss_mb)}, Hugo {megabytes(peer.rss_mb)})")
        if related is None or related.failed:
            print(f"- {whole} full build ≥ 50× faster than Hugo with related: not measured")
        elif related.cut:
            bound = limit / full.wall
            if bound >= 50:
                print(f"- {whole} full build ≥ 50× faster than Hugo with related: **met** "
                      f"(Hugo cut at {limit} s: ≥ {times(bound)})")
            else:
                print(f"- {whole} full build ≥ 50× faster than Hugo with related: undetermined "
                      f"(Hugo cut at {limit} s, ≥ {times(bound)}; a limit of {50 * full.wall:.0f} s would decide)")
        else:
            ratio = related.wall / full.wall
            print(f"- {whole} full build ≥ 50× faster than Hugo with related: {verdict(ratio >= 50)} ({times(ratio)})")
        for name, title in [("arshif-edit", "editing"), ("arshif-add", "adding")]:
            inc = cases.get((whole, name))
            if inc:
                share = inc.wall / full.wall
                print(f"- {whole} incremental build after {title} one article < 10% of the full build: "
                      f"{verdict(share < 0.1)} ({seconds(inc.wall)}, {100 * share:.0f}%)")
    if big is None:
        print("- 280k ≤ 12× the 28k time, peak RSS < 4 GB: not measured (run with --big)")
    else:
        full = cases.get((big, "arshif-full"))
        base = cases.get((whole, "arshif-full")) if whole else None
        if base:
            growth = full.wall / base.wall
            print(f"- {big} full build ≤ 12× the {whole} time: {verdict(growth <= 12)} "
                  f"({seconds(full.wall)}, {growth:.1f}×)")
        print(f"- {big} full build peak RSS < 4 GB: {verdict(full.rss_mb < 4096)} ({megabytes(full.rss_mb)})")

    print()
    print("arshif stage timings (`arshif build -v`, seconds, median of the runs; "
          "cold = first build with the cache, delete = after taking the added article out again):")
    print()
    columns, table, reuse = [], {}, {}
    for size in sizes:
        for name in STAGE_CASES:
            case = cases.get((size["size"], name))
            if not case:
                continue
            column = f"{size['size']} {name.removeprefix('arshif-')}"
            columns.append(column)
            per_stage = {}
            for run in case.runs:
                timings, line = stages(run["log"])
                for stage, value in timings.items():
                    per_stage.setdefault(stage, []).append(value)
                if line:
                    reuse[column] = line
            for stage, values in per_stage.items():
                table.setdefault(stage, {})[column] = statistics.median(values)
            table.setdefault("total (GNU time wall)", {})[column] = case.wall
    order = ["walk", "cache", "load", "analyse", "link", "topics", "related", "references", "render", "write", "save"]
    rows = [s for s in order if s in table] + [s for s in table if s not in order and s != "total (GNU time wall)"] + ["total (GNU time wall)"]
    print("| stage | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for stage in rows:
        values = [f"{table[stage][c]:.3f}" if c in table.get(stage, {}) else "" for c in columns]
        print(f"| {stage} | " + " | ".join(values) + " |")
    print()
    for column in columns:
        if column in reuse:
            print(f"- {column}: {reuse[column]}")


if __name__ == "__main__":
    main()
