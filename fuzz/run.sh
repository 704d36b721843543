#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after another (the targets share the cores),
# and prints one line per target: executions, and whether it crashed.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, all targets)
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Corpora grow in
# fuzz/corpus/TARGET (seeded from geodata/ for the loaders); crashes land in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(curated topology places params cql2 crs tiles http)
fi

seed() {
  local target="$1" dir="corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    curated)
      for f in ../geodata/*.geojson; do
        [ "$(basename "$f")" = places.geojson ] && continue
        # The first byte picks the collection; any byte works for a seed.
        { printf 'x'; cat "$f"; } > "$dir/seed-$(basename "$f")"
      done ;;
    topology) cp ../geodata/countries.topojson "$dir/seed-countries.topojson" ;;
    places) cp ../geodata/places.geojson "$dir/seed-places.geojson" ;;
    http)
      printf '/collections/installations/items?bbox=60,30,80,45&limit=5' > "$dir/seed-items"
      printf '/analysis/border-zone?countries=TJK,AFG&distance_km=50' > "$dir/seed-analysis"
      printf "/collections/installations/items?filter=country%%3D'KGZ'" > "$dir/seed-filter"
      printf '/basemap/2/2/1.mvt' > "$dir/seed-tile"
      printf '/basemap.pmtiles\nbytes=0-99' > "$dir/seed-range" ;;
    cql2)
      printf "\x00country = 'KGZ' AND valid_from > '1990'" > "$dir/seed-text"
      printf '\x01{"op":"=","args":[{"property":"country"},"KGZ"]}' > "$dir/seed-json" ;;
  esac
}

printf '%-10s %12s  %s\n' target executions result
for target in "${targets[@]}"; do
  seed "$target"
  log="$(mktemp)"
  status=0
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 >"$log" 2>&1 || status=$?
  runs="$(grep -Eo 'Done [0-9]+ runs|#[0-9]+' "$log" | tail -1 | tr -dc '0-9')"
  if [ "$status" -eq 0 ]; then result="no crash"; else result="CRASH (exit $status), see $log and artifacts/$target"; fi
  printf '%-10s %12s  %s\n' "$target" "${runs:-?}" "$result"
done
