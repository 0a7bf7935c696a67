#!/usr/bin/env python3
"""Precision and recall of arshif's topic pages against judgements made by reading.

Usage: bench/eval_topics.py JUDGEMENTS.tsv SITE_OUTPUT [--explain-missing]

SITE_OUTPUT is the output folder of `arshif build` of an archive imported
from ../shared/corpus (ids give the slugs). An article is on a topic when
its page's <nav class="article-topics"> links /topics/SLUG/. Judgements
(bench/topic_judgements.tsv) are split once and for all by a hash of the
id: a third is held out (never looked at while tuning site.yaml's rules),
two thirds are for tuning. Borderline articles count neither way.

Prints, per topic and part: judged yes, assigned among the judged, true
positives, precision, recall; and how many assigned articles were never
judged (precision is over the judged ones only).
"""
import hashlib, os, re, sys

NAV = re.compile(r'<nav class="article-topics"(.*?)</nav>', re.S)
TOPIC = re.compile(r'href="[^"]*/topics/([^/"]+)/"')


def part(article_id):
    """'held-out' for a third of the ids, else 'tuning'; fixed by the id alone."""
    digest = int(hashlib.sha256(article_id.encode()).hexdigest(), 16)
    return "held-out" if digest % 3 == 0 else "tuning"


def assigned_topics(output):
    """{article id: set of topic slugs} from the article pages of a build."""
    found = {}
    for year in os.listdir(output):
        if not year.isdigit():
            continue
        for month in os.listdir(os.path.join(output, year)):
            folder = os.path.join(output, year, month)
            if not os.path.isdir(folder):
                continue
            for slug in os.listdir(folder):
                page = os.path.join(folder, slug, "index.html")
                if not os.path.isfile(page):
                    continue
                with open(page, encoding="utf-8") as f:
                    html = f.read()
                nav = NAV.search(html)
                found[slug] = set(TOPIC.findall(nav.group(1))) if nav else set()
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    judgements, output = sys.argv[1], sys.argv[2]
    verdicts = {}
    with open(judgements, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("id\t") or not line.strip():
                continue
            article_id, topic, verdict, _reason = line.rstrip("\n").split("\t", 3)
            verdicts[(article_id.lower(), topic)] = verdict
    assigned = assigned_topics(output)
    topics = sorted({t for _, t in verdicts})
    print(f"{'topic':<14}{'part':<10}{'yes':>5}{'assigned':>10}{'correct':>9}{'precision':>11}{'recall':>8}")
    for topic in topics:
        for which in ("tuning", "held-out", "all"):
            yes = got = correct = 0
            for (article_id, t), verdict in verdicts.items():
                if t != topic or verdict == "borderline" or (which != "all" and part(article_id) != which):
                    continue
                on = topic in assigned.get(article_id, set())
                yes += verdict == "yes"
                got += on
                correct += on and verdict == "yes"
            precision = f"{correct / got:.3f}" if got else "-"
            recall = f"{correct / yes:.3f}" if yes else "-"
            print(f"{topic:<14}{which:<10}{yes:>5}{got:>10}{correct:>9}{precision:>11}{recall:>8}")
        judged = {a for (a, t) in verdicts if t == topic}
        unjudged = sorted(a for a, ts in assigned.items() if topic in ts and a not in judged)
        total = sum(1 for ts in assigned.values() if topic in ts)
        print(f"{topic:<14}assigned in the build: {total}, never judged: {len(unjudged)} {' '.join(unjudged[:8])}")
    if "--explain-missing" in sys.argv:
        for (article_id, topic), verdict in sorted(verdicts.items()):
            on = topic in assigned.get(article_id, set())
            if verdict == "yes" and not on:
                print("missed", topic, article_id, part(article_id))
            if verdict == "no" and on:
                print("wrong ", topic, article_id, part(article_id))


if __name__ == "__main__":
    main()
