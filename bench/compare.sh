#!/usr/bin/env bash
# arshif against Hugo on real Arabic news (issue 7). See bench/README.md.
#
# Builds the first 5,000 articles of the corpus and all of it (and, with
# --big, ten copies of it) with arshif (full, and incremental after editing,
# adding and deleting one article) and with Hugo and a minimal equivalent
# theme (with and without .Related), alternating the tools, then prints a
# Markdown table of median wall time, CPU time and peak RSS, arshif's ratios
# to Hugo, the issue's targets as met or not, and arshif's stage timings.
# Never part of `cargo test` or CI.
set -Eeuo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"

usage() {
  cat <<EOF
Usage: bench/compare.sh [OPTIONS]

  --corpus FILE     the corpus, JSON lines, gzipped
                    [default: REPO/../shared/corpus/ant-news.jsonl.gz]
  --work DIR        work folder for archives, outputs and logs; emptied first
                    [default: /tmp/arshif-bench]
  --sizes LIST      comma-separated article counts; \`all\` is the whole corpus
                    [default: 5000,all]
  --big             also 10 copies of the corpus with suffixed ids (~280k
                    articles): takes long, needs ~30 GB of disk
  --repeat R        runs of each measurement, the median is reported
                    [default: 3 up to 10,000 articles, 1 above]
  --hugo-limit S    time limit of each Hugo run in seconds, reported as
                    "over S s" when cut [default: 600]
  --skip-hugo       arshif only (no Hugo runs, no ratios)
  --keep            keep the built sites in the work folder (default: removed
                    after each size, logs and archives kept)
  -h, --help        this help

Prints a Markdown table at the end; the raw measurements are in
WORK/results.tsv and every run's output in WORK/logs/.
EOF
}

die() { echo "compare.sh: $*" >&2; exit 1; }
trap 'echo "compare.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
say() { echo "== $*" >&2; }

corpus="$repo/../shared/corpus/ant-news.jsonl.gz"
work="/tmp/arshif-bench"
sizes="5000,all"
big=0
repeat=""
hugo_limit=600
skip_hugo=0
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus="${2:?--corpus needs a file}"; shift 2 ;;
    --work) work="${2:?--work needs a folder}"; shift 2 ;;
    --sizes) sizes="${2:?--sizes needs a list}"; shift 2 ;;
    --big) big=1; shift ;;
    --repeat) repeat="${2:?--repeat needs a number}"; shift 2 ;;
    --hugo-limit) hugo_limit="${2:?--hugo-limit needs seconds}"; shift 2 ;;
    --skip-hugo) skip_hugo=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ -z "$repeat" || "$repeat" =~ ^[1-9][0-9]*$ ]] || die "--repeat wants a positive whole number, not '$repeat'"
[[ "$hugo_limit" =~ ^[1-9][0-9]*$ ]] || die "--hugo-limit wants whole seconds, not '$hugo_limit'"

# --- tools ------------------------------------------------------------------
[ -f "$corpus" ] || die "no corpus at $corpus (give its path with --corpus)"
corpus="$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")"
[ -x /usr/bin/time ] && /usr/bin/time -f %e true 2>/dev/null \
  || die "GNU time is needed at /usr/bin/time (Debian package: time)"
for tool in python3 timeout zcat cargo diff; do
  command -v "$tool" >/dev/null || die "$tool is needed and not on PATH"
done
if [ "$skip_hugo" = 0 ] && ! command -v hugo >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing hugo (apt-get install hugo)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null
  else
    die "hugo is not installed: run \`apt-get install hugo\` as root, or pass --skip-hugo"
  fi
fi
hugo_version=""
if [ "$skip_hugo" = 0 ]; then
  hugo_version="$(hugo version | sed -n 's/^hugo v\([0-9.]*\).*/\1/p')"
  case "$hugo_version" in
    0.111.*) ;;
    *) echo "compare.sh: warning: Hugo ${hugo_version:-of unknown version}; the theme in bench/hugo-site targets 0.111 (Debian 12)" >&2 ;;
  esac
fi

say "building arshif (cargo build --release)"
(cd "$repo" && cargo build --release --quiet) || die "cargo build --release failed"
arshif="$repo/target/release/arshif"

# --- work folder ------------------------------------------------------------
case "$work" in
  /|"$HOME"|"$repo"|"$repo"/*) die "--work $work would empty a folder that is not a scratch folder" ;;
esac
if [ -e "$work" ] && [ ! -f "$work/.arshif-bench" ] && [ -n "$(ls -A "$work")" ]; then
  die "$work exists, is not empty and was not made by compare.sh: choose another --work"
fi
rm -rf "$work"
mkdir -p "$work/logs"
: > "$work/.arshif-bench"
work="$(cd "$work" && pwd)"
# A copy of the binary: a build in the clone while the benchmark runs
# must not change the program it measures.
cp "$arshif" "$work/arshif"
arshif="$work/arshif"
results="$work/results.tsv"
checks="$work/checks.tsv"
printf 'size\tcase\trep\tstatus\twall_s\tuser_s\tsys_s\tmaxrss_kb\tlog\n' > "$results"
printf 'size\tcheck\tresult\n' > "$checks"

total="$(zcat "$corpus" | wc -l)"
[ "$total" -gt 0 ] || die "$corpus has no lines"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "memory_gb=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "arshif=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
  echo "hugo=${hugo_version:-skipped}"
  echo "hugo_limit=$hugo_limit"
  echo "corpus_lines=$total"
} > "$work/meta.env"

# --- measuring ----------------------------------------------------------------
# measure SIZE CASE REP CMD...: runs CMD under GNU time, output to a log,
# and appends wall, user, sys and peak RSS to results.tsv. Hugo runs are
# wrapped in timeout; exit 124/137 is a cut run. An arshif failure stops
# the benchmark; a Hugo failure is recorded and the benchmark goes on.
measure() {
  local size="$1" case="$2" rep="$3"; shift 3
  local log="$work/logs/$size-$case-$rep.log" timing="$work/logs/$size-$case-$rep.time"
  local status=0 result=ok
  # The slow shared disk: write back what earlier steps left dirty (outputs,
  # deletions) now, rather than during the next tool's run.
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$timing" "$@" >"$log" 2>&1 || status=$?
  local wall user sys rss
  read -r wall user sys rss < <(tail -n1 "$timing")
  case "$status" in
    0) ;;
    124|137) result=cut ;;
    *) result=failed ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$size" "$case" "$rep" "$result" "$wall" "$user" "$sys" "$rss" "$log" >> "$results"
  local line
  line="$(awk -v s="$size" -v c="$case" -v r="$rep" -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" \
    'BEGIN { printf "%-5s %-13s run %s: %7.2f s wall, %7.2f s CPU, %6.0f MB", s, c, r, w, u + y, m / 1024 }')"
  case "$result" in
    ok) echo "$line" >&2 ;;
    cut) echo "$line  (cut at the ${hugo_limit} s limit)" >&2 ;;
    failed)
      echo "$line  FAILED (exit $status); the end of $log:" >&2
      tail -n 20 "$log" >&2
      case "$case" in arshif*) die "arshif failed, see $log" ;; esac ;;
  esac
}

# check SIZE NAME INCREMENTAL_OUTPUT: a clean build of the same content must
# be byte-identical to the incremental build's output.
check() {
  local size="$1" name="$2" incremental="$3" clean="$work/$1/check"
  rm -rf "$clean"
  "$arshif" build -q --root "$work/$size/site" --no-cache --output "$clean" \
    || die "the clean build for the $name check failed"
  if diff -r "$incremental" "$clean" > "$work/logs/$size-diff-$name.txt" 2>&1; then
    printf '%s\t%s\tPASS\n' "$size" "$name" >> "$checks"
    echo "$size  incremental output after $name = clean build: PASS" >&2
  else
    printf '%s\t%s\tFAIL\n' "$size" "$name" >> "$checks"
    echo "$size  incremental output after $name = clean build: FAIL (diff -r in $work/logs/$size-diff-$name.txt):" >&2
    head -n 20 "$work/logs/$size-diff-$name.txt" >&2
  fi
  rm -rf "$clean"
}

hugo_run() { # SIZE CASE REP [CONFIG]
  local size="$1" case="$2" rep="$3" config="${4:-config.toml}" out="$work/$1/hugo-out"
  rm -rf "$out" "$work/$size/hugo-site/resources" "$work/$size/hugo-site/.hugo_build.lock"
  measure "$size" "$case" "$rep" timeout --kill-after=30 "$hugo_limit" \
    hugo --source "$work/$size/hugo-site" --destination "$out" --config "$config"
  rm -rf "$out"
}

# --- archives -------------------------------------------------------------------
# prepare LABEL COUNT: WORK/LABEL/site with the first COUNT articles (COUNT
# "big": ten copies of the corpus, ids of copies 1-9 suffixed -c1 ... -c9).
prepare() {
  local label="$1" count="$2" site="$work/$1/site" lines="$work/$1/articles.jsonl"
  mkdir -p "$site"
  if [ "$count" = big ]; then
    zcat "$corpus" | python3 -c '
import json, sys
records = [json.loads(line) for line in sys.stdin if line.strip()]
for copy in range(10):
    for record in records:
        if copy:
            record = dict(record, id=record["id"] + "-c" + str(copy))
        print(json.dumps(record, ensure_ascii=False))
' > "$lines"
  else
    # head closes the pipe early: zcat's SIGPIPE is expected, not an error.
    (set +o pipefail; zcat "$corpus" | head -n "$count") > "$lines"
    [ "$(wc -l < "$lines")" = "$count" ] || die "could not read $count lines of $corpus"
  fi
  "$arshif" import "$lines" --root "$site" --without category -q \
    || die "arshif import of $lines failed"
  rm -f "$lines"
  cp "$repo/site.yaml" "$site/"
  local imported
  imported="$(find "$site/content" -name '*.md' | wc -l)"
  echo "$label  imported $imported articles into $site" >&2
  # The cache reads again any file modified within 2 s before the build
  # that cached it (a file system may keep times to the second): without
  # this pause the first incremental run would re-read (not re-analyse)
  # the thousands of files the import wrote in its last two seconds,
  # which an archive written before its build never has.
  sleep 3
}

# The article edited in the incremental runs: the newest one (an editor
# correcting today's story), and the date a new article gets: an hour later.
newest() {
  python3 - "$1" <<'EOF'
import datetime, os, re, sys
best = None
for folder, _dirs, files in os.walk(os.path.join(sys.argv[1], "content")):
    for name in files:
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as article:
            if article.readline().rstrip("\n") != "---":
                continue
            for line in article:
                if line.rstrip("\n") == "---":
                    break
                match = re.match(r"""date:\s*['"]?([^'"]+?)['"]?\s*$""", line)
                if match:
                    date = datetime.datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
                    if date.tzinfo is None:
                        date = date.replace(tzinfo=datetime.timezone.utc)
                    if best is None or (date, path) > best:
                        best = (date, path)
                    break
if best is None:
    sys.exit("no dated article")
print(best[1])
print((best[0] + datetime.timedelta(hours=1)).isoformat())
EOF
}

# A new article: corpus line N+REP (wrapping round), id bench-added-REP,
# dated an hour after the newest article, title marked as an update.
add_article() { # SIZE REP COUNT DATE
  local size="$1" rep="$2" count="$3" date="$4" line
  line=$(( (count + rep - 1) % total + 1 ))
  python3 -c '
import gzip, itertools, json, sys
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as lines:
    record = json.loads(next(itertools.islice(lines, int(sys.argv[2]) - 1, None)))
record.update(id="bench-added-" + sys.argv[3], date=sys.argv[4], title=record["title"] + " (تحديث)")
print(json.dumps(record, ensure_ascii=False))
' "$corpus" "$line" "$rep" "$date" > "$work/$size/added.jsonl"
  "$arshif" import "$work/$size/added.jsonl" --root "$work/$size/site" --without category -q \
    || die "arshif import of the added article failed"
}

# --- one size ---------------------------------------------------------------------
run_size() { # LABEL COUNT KIND (sample, all or big)
  local label="$1" count="$2" kind="$3" reps site inc
  site="$work/$label/site"
  inc="$work/$label/incremental"
  if [ -n "$repeat" ]; then reps="$repeat"
  elif [ "$count" != big ] && [ "$count" -le 10000 ]; then reps=3
  else reps=1; fi
  say "$label: preparing the archive"
  prepare "$label" "$count"
  local articles
  articles="$(find "$site/content" -name '*.md' | wc -l)"
  printf '%s\t%s\t%s\n' "$label" "$kind" "$articles" >> "$work/sizes.tsv"

  say "$label: first build with the cache (fills $site/.arshif-cache)"
  measure "$label" arshif-cold 1 "$arshif" build -v --root "$site" --output "$inc"

  if [ "$skip_hugo" = 0 ]; then
    say "$label: the same articles as a Hugo site, with arshif's topics"
    mkdir -p "$work/$label/hugo-site"
    cp -R "$bench_dir/hugo-site/." "$work/$label/hugo-site/"
    python3 "$bench_dir/hugo_convert.py" "$site" "$inc" "$work/$label/hugo-site" >&2
  fi

  local picked edited added_date
  picked="$(newest "$site")"
  edited="$(sed -n 1p <<<"$picked")"
  added_date="$(sed -n 2p <<<"$picked")"
  echo "$label  edited article: ${edited#"$site/"}; added articles dated $added_date" >&2

  local rep
  for rep in $(seq 1 "$reps"); do
    say "$label: run $rep of $reps"
    rm -rf "$work/$label/full"
    measure "$label" arshif-full "$rep" "$arshif" build -v --root "$site" --no-cache --output "$work/$label/full"
    rm -rf "$work/$label/full"

    printf '\nوأضاف المصدر في تحديث رقم %s أن المحادثات ستستمر الأسبوع المقبل.\n' "$rep" >> "$edited"
    measure "$label" arshif-edit "$rep" "$arshif" build -v --root "$site" --output "$inc"

    add_article "$label" "$rep" "$articles" "$added_date"
    measure "$label" arshif-add "$rep" "$arshif" build -v --root "$site" --output "$inc"
    if [ "$rep" = "$reps" ]; then check "$label" "edit+add" "$inc"; fi

    # Take the added article out again, so every run builds the same count.
    find "$site/content" -name "bench-added-$rep.md" -delete
    measure "$label" arshif-delete "$rep" "$arshif" build -v --root "$site" --output "$inc"
    if [ "$rep" = "$reps" ]; then check "$label" "delete" "$inc"; fi

    if [ "$skip_hugo" = 0 ]; then
      hugo_run "$label" hugo "$rep"
      hugo_run "$label" hugo-related "$rep" config.toml,related.toml
    fi
  done
  if [ "$keep" = 0 ]; then
    rm -rf "$inc" "$site/.arshif-cache" "$work/$label/hugo-site/content"
  fi
}

label_of() { if [ "$1" -ge 1000 ]; then echo "$(($1 / 1000))k"; else echo "$1"; fi; }
printf 'size\tkind\tarticles\n' > "$work/sizes.tsv"
IFS=',' read -r -a size_list <<<"$sizes"
counts=()
for size in "${size_list[@]}"; do
  size="${size// /}"
  if [ "$size" = all ]; then count="$total"
  elif [[ "$size" =~ ^[1-9][0-9]*$ ]]; then count="$size"
  else die "--sizes: '$size' is neither a number nor 'all'"; fi
  [ "$count" -le "$total" ] || die "--sizes: $count is more than the $total articles of the corpus"
  counts+=("$count")
done
for count in "${counts[@]}"; do
  if [ "$count" = "$total" ]; then kind=all; else kind=sample; fi
  run_size "$(label_of "$count")" "$count" "$kind"
done
if [ "$big" = 1 ]; then
  run_size "$(label_of $((10 * total)))" big big
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/meta.env"
python3 "$bench_dir/report.py" "$work"
