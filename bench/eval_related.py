#!/usr/bin/env python3
"""Quality of "read also": how many of each article's related articles share its section.

Usage: bench/eval_related.py CORPUS.jsonl.gz SITE/public/read-also.json [N]

The site must have been built from the first N articles of the corpus,
imported with `arshif import --without category` (so arshif never saw the
section). Sections internationalNews and middleEast count as one (politics).
Prints precision@k averaged over articles that have related articles, and
the chance level (the share of same-section pairs).
"""
import collections, gzip, json, sys

POLITICS = {"internationalNews", "middleEast"}

def section(category):
    return "politics" if category in POLITICS else category

def main():
    corpus, read_also = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    sections = {}
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            sections[record["id"].lower()] = section(record["category"])
    def slug(url):
        return url.rstrip("/").rsplit("/", 1)[-1]
    data = json.load(open(read_also, encoding="utf-8"))
    hits = total = scored = 0
    missing = 0
    for article in data["articles"]:
        own = sections.get(slug(article["url"]))
        if own is None:
            missing += 1
            continue
        related = [sections.get(slug(r["url"])) for r in article["related"]]
        if not related:
            continue
        scored += 1
        hits += sum(1 for s in related if s == own)
        total += len(related)
    counts = collections.Counter(sections.values())
    n = sum(counts.values())
    chance = sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))
    print(f"articles scored: {scored} (not in corpus: {missing})")
    print(f"related links:   {total}")
    print(f"same section:    {hits / total:.4f}   (chance {chance:.4f})")

if __name__ == "__main__":
    main()
