#!/usr/bin/env bash
# Adds N different new articles (corpus lines after the first COUNT, each
# dated an hour after the newest one so far) to an imported archive, one
# at a time, building with the cache after each; prints one line per
# build (wall seconds, whether the related model was trained again) and
# the median and worst wall time. Issue 20: a new article must never
# retrain the model.
#
#   bench/add_many.sh ARSHIF SITE OUTPUT [N=10] [COUNT=28245] [CORPUS]
#
# IGNORE_AFTER=YYYY (environment): dates from that year on are not "the
# newest" (an archive with one article dated far ahead by a typo, while
# the news goes on being added after the real newest).
set -euo pipefail
arshif="$1" site="$2" out="$3" n="${4:-10}" count="${5:-28245}"
corpus="${6:-$(dirname "$0")/../../shared/corpus/ant-news.jsonl.gz}"
total="$(zcat "$corpus" | wc -l)"
times=()
for i in $(seq 1 "$n"); do
  line=$(( (count + i * 97 - 1) % total + 1 ))
  python3 - "$corpus" "$line" "$i" "$site" "${IGNORE_AFTER:-10000}" > "$site/../added.jsonl" <<'PY'
import datetime, gzip, itertools, json, os, re, sys
corpus, line, i, site = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ignore_after = int(sys.argv[5])
newest = None
for folder, _dirs, files in os.walk(os.path.join(site, "content")):
    for name in files:
        with open(os.path.join(folder, name), encoding="utf-8") as article:
            for text in itertools.islice(article, 40):
                match = re.match(r"""date:\s*['"]?([^'"]+?)['"]?\s*$""", text)
                if match:
                    date = datetime.datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
                    if date.tzinfo is None:
                        date = date.replace(tzinfo=datetime.timezone.utc)
                    if date.year < ignore_after:
                        newest = date if newest is None or date > newest else newest
                    break
with gzip.open(corpus, "rt", encoding="utf-8") as lines:
    record = json.loads(next(itertools.islice(lines, line - 1, None)))
record.update(id="bench-new-" + i, date=(newest + datetime.timedelta(hours=1)).isoformat())
print(json.dumps(record, ensure_ascii=False))
PY
  "$arshif" import "$site/../added.jsonl" --root "$site" --without category -q
  sync
  start=$(date +%s.%N)
  log="$("$arshif" build -v --root "$site" --output "$out" 2>&1)"
  end=$(date +%s.%N)
  wall=$(python3 -c "print(f'{$end - $start:.2f}')")
  times+=("$wall")
  trained=no; grep -q "(model trained)" <<<"$log" && trained=yes
  echo "add $i: ${wall} s, model trained: $trained; $(grep -o 'related lists computed [0-9]*' <<<"$log")"
done
printf '%s\n' "${times[@]}" | sort -n | python3 -c '
import sys, statistics
t = [float(x) for x in sys.stdin]
print(f"median {statistics.median(t):.2f} s, worst {max(t):.2f} s over {len(t)} additions")'
