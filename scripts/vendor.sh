#!/usr/bin/env bash
# Re-fetch the vendored front-end files from the npm registry into smartregion/static/vendor/.
# The result is committed, so users never need Node; only maintainers run this (make vendor).
set -euo pipefail
cd "$(dirname "$0")/.."
KERN=2.7.2 FONTSOURCE=5.3.0 HTMX=2.0.11 LEAFLET=1.9.4 CLUSTER=1.5.3 AXE=4.14.1 CYTOSCAPE=3.34.4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  "@kern-ux/native@$KERN" "@fontsource/fira-sans@$FONTSOURCE" "htmx.org@$HTMX" "leaflet@$LEAFLET" "leaflet.markercluster@$CLUSTER" "axe-core@$AXE" "cytoscape@$CYTOSCAPE")
nm="$tmp/node_modules"
out=smartregion/static/vendor
rm -rf "$out"; mkdir -p "$out"/{kern,htmx,leaflet,leaflet.markercluster,cytoscape}
axe=tests/e2e/vendor/axe-core; rm -rf "$axe"; mkdir -p "$axe"
cp "$nm/@kern-ux/native/dist/kern.min.css" "$out/kern/"
# Only the Fira Sans faces KERN's stylesheet uses (weights 400-700); the rest is 5 MB of nothing.
mkdir -p "$out/kern/fonts/fira-sans"
keep="Regular Italic Medium MediumItalic SemiBold SemiBoldItalic Bold BoldItalic"
for face in $keep; do cp "$nm/@kern-ux/native/dist/fonts/fira-sans/FiraSans-$face.woff2" "$out/kern/fonts/fira-sans/"; done
# KERN ships the fonts without their licence text; the OFL text comes from @fontsource, the
# copyright line from the font files' own metadata.
{ echo "Fira Sans: Copyright (c) 2012-2018, The Mozilla Foundation and Telefonica S.A."; echo;
  sed -n '/This Font Software is licensed/,$p' "$nm/@fontsource/fira-sans/LICENSE"; } > "$out/kern/fonts/OFL.txt"
python3 - "$nm/@kern-ux/native/dist/fonts/fira-sans.css" "$out/kern/fonts/fira-sans.css" $keep <<'PY'
import re, sys
src, dst, keep = sys.argv[1], sys.argv[2], set(sys.argv[3:])
blocks = re.findall(r"@font-face\s*{[^}]*}", open(src).read())
kept = [b for b in blocks if re.search(r"FiraSans-(\w+)\.woff2", b).group(1) in keep]
open(dst, "w").write("\n\n".join(kept) + "\n")
PY
cp "$nm/@kern-ux/native/LICENSE.md" "$out/kern/LICENSE.md"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/htmx/"
cp "$nm/htmx.org/LICENSE" "$out/htmx/LICENSE"
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.js.map" "$nm/leaflet/dist/leaflet.css" "$out/leaflet/"
cp -r "$nm/leaflet/dist/images" "$out/leaflet/"
cp "$nm/leaflet/LICENSE" "$out/leaflet/LICENSE"
cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" "$nm/leaflet.markercluster/dist/leaflet.markercluster.js.map" \
   "$nm/leaflet.markercluster/dist/MarkerCluster.css" \
   "$nm/leaflet.markercluster/dist/MarkerCluster.Default.css" "$out/leaflet.markercluster/"
cp "$nm/leaflet.markercluster/MIT-LICENCE.txt" "$out/leaflet.markercluster/LICENSE.txt"
cp "$nm/cytoscape/dist/cytoscape.min.js" "$nm/cytoscape/LICENSE" "$out/cytoscape/"
# axe-core is used only by the browser tests, so it lives with them and is never served.
cp "$nm/axe-core/axe.min.js" "$nm/axe-core/LICENSE" "$axe/"
cat > "$out/VERSIONS.txt" <<TXT
@kern-ux/native $KERN  EUPL-1.2
htmx.org $HTMX  0BSD
leaflet $LEAFLET  BSD-2-Clause
leaflet.markercluster $CLUSTER  MIT
cytoscape $CYTOSCAPE  MIT
axe-core $AXE  MPL-2.0 (tests/e2e/vendor, test-only)
TXT
echo "vendored into $out:"; cat "$out/VERSIONS.txt"
