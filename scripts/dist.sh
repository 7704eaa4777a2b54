#!/usr/bin/env bash
# Build the page and write a self-contained copy of the site into DIR (default dist/):
# index.html, gradlab.html (the single file), www/ (modules, stylesheet, the wasm package, the MNIST subset), the course-notes
# example and the service worker — plain static files for any host (GitHub Pages, an mdBook's
# static folder, a USB stick behind any web server). The benchmark page is left out.
# sw.js gets a VERSION derived from the files, so each new deployment replaces the offline
# copy of the last one (see the comment in sw.js).
#   bash scripts/dist.sh            → dist/
#   bash scripts/dist.sh /tmp/site
# With --single-file, one self-contained HTML file instead (default dist/gradlab.html) that
# opens from disk, an LMS or an e-mail: see scripts/single-file.mjs.
#   bash scripts/dist.sh --single-file [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--single-file" ]; then
  bash scripts/build.sh
  exec node scripts/single-file.mjs "${2:-dist/gradlab.html}"
fi
out=${1:-dist}
bash scripts/build.sh

case "$(realpath -m "$out")" in
  "$(pwd)" | "$(pwd)/www" | / ) echo "dist: refusing to write into $(realpath -m "$out")" >&2; exit 1 ;;
esac
rm -rf "$out"
mkdir -p "$out/www/pkg" "$out/www/pkg-inside" "$out/www/data" "$out/examples"

cp index.html sw.js "$out/"
# Every module and asset of www/ except the benchmark page (and what is not ours to ship).
find www -maxdepth 1 -type f ! -name bench.html ! -name '*.md' -exec cp {} "$out/www/" \;
for d in www/*/; do
  name=$(basename "$d")
  case "$name" in pkg | pkg-inside | data) continue ;; esac
  cp -r "$d" "$out/www/$name"
done
cp www/pkg/gradlab.js www/pkg/gradlab_bg.wasm "$out/www/pkg/"
# The second module, the view inside the network (scripts/build.sh).
cp www/pkg-inside/gradlab_inside.js www/pkg-inside/gradlab_inside_bg.wasm "$out/www/pkg-inside/"
cp www/data/*.gz www/data/README.md "$out/www/data/"
cp examples/*.html examples/*.css "$out/examples/"
# The single file beside index.html: what a reader who opened the folder from disk is sent
# to (www/file-boot.js), since a browser will not run the page's modules from file://.
node scripts/single-file.mjs "$out/gradlab.html"

# The offline cache's name: a hash of everything shipped (sw.js itself excluded).
version=$(cd "$out" && find . -type f ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
sed -i "s/^const VERSION = 'dev';/const VERSION = '$version';/" "$out/sw.js"
grep -q "^const VERSION = '$version';" "$out/sw.js" || { echo "dist: could not stamp sw.js" >&2; exit 1; }

echo "dist: $out ($(du -sh "$out" | cut -f1), $(find "$out" -type f | wc -l) files, sw.js version $version)"
