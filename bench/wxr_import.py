#!/usr/bin/env python3
"""Times `arshif import` of a WordPress export of the whole corpus (issue 21).

Usage: bench/wxr_import.py [--corpus PATH] [--work DIR] [--arshif BIN] [--limit N]

Writes WORK/export.xml.gz, a WXR 1.2 export made from every line of the
corpus (default ../shared/corpus/ant-news.jsonl.gz beside the clone), then
runs under GNU time (`/usr/bin/time -v`):

  1. `arshif import WORK/export.xml.gz --root WORK/site -q` (first import),
  2. the same again (re-import: every article unchanged, nothing written),

and prints wall time and peak memory (maximum resident set size) of each,
with the export's size. The export is shaped like a real one: WordPress's
blank-line paragraphs (no <p>), percent-encoded post_name, GMT and local
dates, a category and the outlet as a tag, and per 10 posts one
[caption] with an image, one unknown shortcode, one featured image (an
attachment item placed after all posts, as exports may order them), one
draft, plus one page, one menu item and one comment per 100 posts.

Nothing here is committed: the export and the site hold corpus text and go
to WORK only (default /tmp/arshif-wxr-bench, emptied first). Needs
python3 (standard library only) and GNU time at /usr/bin/time; build the
binary first with `cargo build --release`.
"""
import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def cdata(text):
    # "]]>" cannot appear inside CDATA: split it as WordPress does.
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def slug_of(title, n):
    words = re.sub(r"[^\w\s-]", " ", title).split()[:6]
    return "-".join(words) or f"post-{n}"


def item(fields, categories="", meta="", extra=""):
    out = ["\t<item>"]
    for key, value in fields:
        out.append(f"\t\t<{key}>{value}</{key}>")
    out.append(categories + meta + extra)
    out.append("\t</item>\n")
    return "\n".join(out)


def write_export(corpus, path, limit):
    posts = 0
    attachments = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines, gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            "<channel>\n\t<title>bench</title>\n\t<link>https://news.example</link>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            "\t<wp:author><wp:author_login><![CDATA[editor]]></wp:author_login>"
            "<wp:author_display_name><![CDATA[هيئة التحرير]]></wp:author_display_name></wp:author>\n"
        )
        for n, line in enumerate(lines, start=1):
            if limit and n > limit:
                break
            record = json.loads(line)
            post_id = n
            date = datetime.datetime.fromisoformat(record["date"])
            gmt = date.astimezone(datetime.timezone.utc)
            slug = urllib.parse.quote(slug_of(record["title"], n) + f"-{n}").lower()
            paragraphs = [p.strip() for p in (record.get("body") or "").split("\n") if p.strip()]
            body = "\n\n".join(escape(p) for p in paragraphs)
            meta = ""
            if n % 10 == 0:
                att = 1_000_000 + n
                url = f"https://news.example/wp-content/uploads/{gmt:%Y/%m}/photo-{n}.jpg"
                body = (
                    f'[caption id="attachment_{att}" width="640"]<img src="{url}" alt="صورة" /> تعليق الصورة[/caption]\n\n'
                    + body
                    + '\n\n[vc_row][vc_column]ختام[/vc_column][/vc_row]'
                )
                attachments.append((att, post_id, url))
                meta = f"\t\t<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{att}</wp:meta_value></wp:postmeta>\n"
            status = "draft" if n % 10 == 5 else "publish"
            categories = f'\t\t<category domain="category" nicename="{escape(record.get("category") or "news")}">{cdata(record.get("category_ar") or "أخبار")}</category>\n'
            categories += f'\t\t<category domain="post_tag" nicename="outlet">{cdata(record.get("outlet"))}</category>\n'
            extra = ""
            if n % 100 == 0:
                extra = "\t\t<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[تعليق]]></wp:comment_content></wp:comment>\n"
            out.write(
                item(
                    [
                        ("title", cdata(record["title"])),
                        ("link", f"https://news.example/archives/{post_id}"),
                        ("dc:creator", cdata("editor")),
                        ("guid", f"https://news.example/?p={post_id}"),
                        ("content:encoded", cdata(body)),
                        ("excerpt:encoded", cdata("")),
                        ("wp:post_id", str(post_id)),
                        ("wp:post_date", cdata(f"{date:%Y-%m-%d %H:%M:%S}")),
                        ("wp:post_date_gmt", cdata(f"{gmt:%Y-%m-%d %H:%M:%S}")),
                        ("wp:post_modified_gmt", cdata(f"{gmt:%Y-%m-%d %H:%M:%S}")),
                        ("wp:post_name", cdata(slug)),
                        ("wp:status", cdata(status)),
                        ("wp:post_parent", "0"),
                        ("wp:post_type", cdata("post")),
                        ("wp:post_password", cdata("")),
                    ],
                    categories,
                    meta,
                    extra,
                )
            )
            posts += 1
            if n % 100 == 0:
                for kind, title in (("page", "صفحة"), ("nav_menu_item", "قائمة")):
                    out.write(
                        item(
                            [
                                ("title", cdata(title)),
                                ("wp:post_id", str(2_000_000 + n + (kind == "page"))),
                                ("wp:status", cdata("publish")),
                                ("wp:post_type", cdata(kind)),
                            ]
                        )
                    )
        for att, parent, url in attachments:
            out.write(
                item(
                    [
                        ("title", cdata("صورة")),
                        ("wp:post_id", str(att)),
                        ("wp:post_parent", str(parent)),
                        ("wp:status", cdata("inherit")),
                        ("wp:post_type", cdata("attachment")),
                        ("excerpt:encoded", cdata("تعليق الصورة")),
                        ("wp:attachment_url", cdata(url)),
                    ],
                    meta="\t\t<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[صورة]]></wp:meta_value></wp:postmeta>\n",
                )
            )
        out.write("</channel>\n</rss>\n")
    return posts


def timed(command):
    result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr[-3000:]}")
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    parts = [float(p) for p in elapsed.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return seconds, rss_kb / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus", "ant-news.jsonl.gz"))
    parser.add_argument("--work", default="/tmp/arshif-wxr-bench")
    parser.add_argument("--arshif", default=os.path.join(REPO, "target", "release", "arshif"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N corpus lines")
    args = parser.parse_args()
    if os.path.exists(args.work):
        shutil.rmtree(args.work)
    os.makedirs(os.path.join(args.work, "site", "content"))
    export = os.path.join(args.work, "export.xml.gz")
    posts = write_export(args.corpus, export, args.limit)
    raw = sum(len(chunk) for chunk in iter(lambda f=gzip.open(export, "rb"): f.read(1 << 20), b""))
    print(f"export: {posts} posts, {os.path.getsize(export) / 2**20:.1f} MB gzipped, {raw / 2**20:.1f} MB of XML")
    command = [args.arshif, "import", export, "--root", os.path.join(args.work, "site"), "-q"]
    for label in ("first import", "re-import (unchanged)"):
        seconds, mb = timed(command)
        print(f"{label}: {seconds:.2f} s wall, {mb:.1f} MB peak RSS")
    files = sum(len(f) for _, _, f in os.walk(os.path.join(args.work, "site", "content")))
    print(f"articles written: {files}")


if __name__ == "__main__":
    main()
