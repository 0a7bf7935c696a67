#!/usr/bin/env bash
# arshif against Hugo on the same photo work (issue 18). See bench/README.md.
#
# Takes an imported archive (default /work/ref/28k, the 28k corpus imported
# with the repository's site.yaml), gives its first N articles (in path
# order) a 1600 x 1067 JPEG drawn by bench/draw_photos.py, then builds it
# with arshif and with Hugo (bench/hugo-site with layouts/partials/photo.html:
# .Resize to the same widths as WebP, a 1200 px JPEG fallback, .Fill to the
# three crops, quality 80): a full build from nothing (no cache, no
# resources/_gen), then a rebuild after adding one article with a new
# photo (arshif with its cache, Hugo with its resources/_gen). Prints wall
# time, CPU time and peak RSS of each. Never part of `cargo test` or CI.
set -Eeuo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"

usage() {
  cat <<EOF
Usage: bench/photos.sh [OPTIONS]

  --archive DIR   an imported arshif site (read only) [default: /work/ref/28k]
  --photos N      articles given a photo [default: 10000]
  --work DIR      work folder (photos drawn once and kept) [default: /tmp/arshif-photos-bench]
  --arshif BIN    the arshif binary [default: REPO/target/release/arshif]
  --python BIN    a Python with Pillow, to draw the photos [default: python3]
  --skip-hugo     arshif only
EOF
}

die() { echo "photos.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

archive=/work/ref/28k
photos=10000
work=/tmp/arshif-photos-bench
arshif="$repo/target/release/arshif"
python=python3
skip_hugo=0
while [ $# -gt 0 ]; do
  case "$1" in
    --archive) archive="${2:?}"; shift 2 ;;
    --photos) photos="${2:?}"; shift 2 ;;
    --work) work="${2:?}"; shift 2 ;;
    --arshif) arshif="${2:?}"; shift 2 ;;
    --python) python="${2:?}"; shift 2 ;;
    --skip-hugo) skip_hugo=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
[ -x "$arshif" ] || die "no arshif binary at $arshif: cargo build --release"
[ -d "$archive/content" ] || die "$archive is not an arshif site"
"$python" -c 'import PIL' 2>/dev/null || die "$python has no Pillow: pip install pillow, or pass --python"
if [ "$skip_hugo" = 0 ]; then
  command -v hugo >/dev/null || die "hugo is not installed: apt-get install hugo, or pass --skip-hugo"
fi

mkdir -p "$work"
say "drawing $((photos + 1)) photos of 1600 x 1067 into $work/drawn (kept between runs)"
"$python" "$bench_dir/draw_photos.py" --many "$((photos + 1))" --into "$work/drawn"

site="$work/site"
rm -rf "$site" "$work/out" "$work/cache" "$work/hugo-site" "$work/hugo-out" "$work/logs"
mkdir -p "$work/logs"
say "copying $archive and giving $photos articles a photo"
cp -r "$archive" "$site"
# The first N articles in path order get photo N's file beside them.
mapfile -t articles < <(cd "$site/content" && find . -name '*.md' | LC_ALL=C sort | head -n "$photos")
[ "${#articles[@]}" = "$photos" ] || die "the archive has fewer than $photos articles"
n=0
for article in "${articles[@]}"; do
  path="$site/content/${article#./}"
  name="$(basename "$path" .md).jpg"
  cp "$work/drawn/photo-$(printf %05d "$n").jpg" "$(dirname "$path")/$name"
  # `image:` after the opening `---`.
  sed -i "1a image: $name" "$path"
  n=$((n + 1))
done

measure() { # NAME COMMAND…: wall s, CPU s, peak RSS MB on one line
  local name="$1"; shift
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$work/logs/$name.time" "$@" >"$work/logs/$name.log" 2>&1 \
    || { tail -n 20 "$work/logs/$name.log" >&2; die "$name failed"; }
  read -r wall user sys rss < "$work/logs/$name.time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" \
    'BEGIN { printf "%-22s %8.2f s wall %8.2f s CPU %7.0f MB peak\n", n, w, u + s, m / 1024 }' | tee -a "$work/results.txt"
}

# One new article with a new photo, dated after every other.
add_article() { # CONTENT_DIR
  mkdir -p "$1/2030"
  cp "$work/drawn/photo-$(printf %05d "$photos").jpg" "$1/2030/new-photo.jpg"
  printf -- '---\ntitle: "خبر جديد مع صورة"\ndate: 2030-01-01\nimage: new-photo.jpg\n---\n\nنص الخبر الجديد.\n' > "$1/2030/new-photo.md"
}

: > "$work/results.txt"
echo "photos=$photos archive=$archive arshif=$("$arshif" --version 2>/dev/null || echo "$arshif") hugo=$(hugo version 2>/dev/null | cut -d' ' -f2 || echo none)" | tee -a "$work/results.txt"
measure arshif-full "$arshif" build --root "$site" --output "$work/out" --cache "$work/cache" --now 2031-01-01T00:00:00Z
add_article "$site/content"
measure arshif-add-one "$arshif" build --root "$site" --output "$work/out" --cache "$work/cache" --now 2031-01-01T00:00:00Z -v
find "$work/out/photos" -type f | wc -l | awk '{ print "arshif photo files: " $1 }' | tee -a "$work/results.txt"

if [ "$skip_hugo" = 0 ]; then
  rm -rf "$site/content/2030"
  cp -r "$bench_dir/hugo-site" "$work/hugo-site"
  say "converting for Hugo (topics read from arshif's pages)"
  python3 "$bench_dir/hugo_convert.py" "$site" "$work/out" "$work/hugo-site" >&2
  mkdir -p "$work/hugo-site/assets/photos"
  for article in "${articles[@]}"; do
    path="$site/content/${article#./}"
    name="$(basename "$path" .md).jpg"
    cp "$(dirname "$path")/$name" "$work/hugo-site/assets/photos/$name"
  done
  measure hugo-full hugo --source "$work/hugo-site" --destination "$work/hugo-out"
  add_article "$work/hugo-site/content"
  mv "$work/hugo-site/content/2030/new-photo.jpg" "$work/hugo-site/assets/photos/new-photo.jpg"
  measure hugo-add-one hugo --source "$work/hugo-site" --destination "$work/hugo-out"
  find "$work/hugo-out" -path '*photos*' -type f \( -name '*.webp' -o -name '*.jpg' \) | wc -l \
    | awk '{ print "hugo photo files: " $1 }' | tee -a "$work/results.txt"
fi
echo "results: $work/results.txt" >&2
