#!/usr/bin/env python3
"""The articles of an arshif archive as a Hugo site, for bench/compare.sh.

Usage: bench/hugo_convert.py ARSHIF_ROOT ARSHIF_OUTPUT HUGO_SITE

ARSHIF_ROOT is the imported archive (content/{yyyy}/{slug}.md, as written
by `arshif import`), ARSHIF_OUTPUT a build of it, and HUGO_SITE a copy of
bench/hugo-site/ whose content/ this script fills.

Each article becomes HUGO_SITE/content/{yyyy}/{slug}.md with the same body
and front matter, except that:
  - `url` (the original address) becomes `original_url`: in Hugo `url`
    sets the page's own address;
  - `url` is set to arshif's address, /{yyyy}/{mm}/{slug}/;
  - `topics` lists the topics arshif assigned to the article, read from
    the article-topics navigation of its page in ARSHIF_OUTPUT. Hugo has
    no topic detection, so it gets arshif's result as a plain taxonomy:
    both tools then render the same topic pages for the same articles.
Each topic gets content/topics/{slug}/_index.md with arshif's topic name.

The front matter is edited line by line (arshif import writes one
top-level key a line, strings possibly quoted), so no YAML library is
needed. Prints how many articles and topic assignments were written.
"""
import html
import os
import re
import sys
import urllib.parse

NAV = re.compile(r'<nav class="article-topics"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="[^"]*/topics/([^/"]+)/">([^<]*)</a>')
DATE = re.compile(r"^date:\s*['\"]?(\d{4})-(\d{2})")


def topics_by_slug(output):
    """Article slug -> [topic slug], and topic slug -> name, from the built pages."""
    by_article, names = {}, {}
    for folder, _dirs, files in os.walk(output):
        if "index.html" not in files:
            continue
        parts = os.path.relpath(folder, output).split(os.sep)
        # Article pages: {yyyy}/{mm}/{slug}/ and articles/{slug}/ (undated).
        if not ((len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit())
                or (len(parts) == 2 and parts[0] == "articles")):
            continue
        with open(os.path.join(folder, "index.html"), encoding="utf-8") as page:
            text = page.read()
        nav = NAV.search(text)
        if not nav:
            continue
        topics = []
        for slug, name in LINK.findall(nav.group(1)):
            slug = urllib.parse.unquote(slug)
            topics.append(slug)
            names[slug] = html.unescape(name)
        if topics:
            by_article[parts[-1]] = topics
    return by_article, names


def yaml_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(root, by_article, site):
    articles = assigned = 0
    content = os.path.join(root, "content")
    for folder, _dirs, files in os.walk(content):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            slug = name[:-3]
            with open(os.path.join(folder, name), encoding="utf-8") as source:
                text = source.read()
            if not text.startswith("---\n"):
                sys.exit(f"{os.path.join(folder, name)}: no front matter")
            end = text.index("\n---\n", 3)
            front, body = text[4:end].split("\n"), text[end + 5:]
            out, address = [], f"/articles/{slug}/"
            for line in front:
                if line.startswith("url:"):
                    line = "original_url:" + line[4:]
                match = DATE.match(line)
                if match:
                    address = f"/{match.group(1)}/{match.group(2)}/{slug}/"
                out.append(line)
            out.append(f"url: {yaml_quote(address)}")
            topics = by_article.get(slug, [])
            if topics:
                out.append("topics:")
                out.extend(f"- {yaml_quote(t)}" for t in topics)
                assigned += len(topics)
            target = os.path.join(site, "content", os.path.relpath(folder, content))
            os.makedirs(target, exist_ok=True)
            with open(os.path.join(target, name), "w", encoding="utf-8") as dest:
                dest.write("---\n" + "\n".join(out) + "\n---\n" + body)
            articles += 1
    return articles, assigned


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().split("\n\n")[1])
    root, output, site = sys.argv[1:]
    by_article, names = topics_by_slug(output)
    articles, assigned = convert(root, by_article, site)
    for slug, name in sorted(names.items()):
        folder = os.path.join(site, "content", "topics", slug)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "_index.md"), "w", encoding="utf-8") as index:
            index.write(f"---\ntitle: {yaml_quote(name)}\n---\n")
    print(f"hugo site: {articles} articles, {assigned} topic assignments "
          f"({len(by_article)} articles with a topic, {len(names)} topics used)")


if __name__ == "__main__":
    main()
