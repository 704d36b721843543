#!/usr/bin/env bash
# End-to-end tests with real GIS clients: GDAL's OAPIF driver (ogrinfo, ogr2ogr), GDAL's CSV,
# FlatGeobuf and LIBKML drivers on the downloads, and OWSLib against `forcemap serve` on a free
# loopback port. Every check prints one line (`ok   ...` or
# `FAIL ...`), the last line is `gis: N passed, M failed`, and the exit status is non-zero when
# any check failed. The server this script starts is always stopped (by its PID).
#
# The clients must be installed (tests/gis/install.sh does it); a missing client is a failure.
#
#   tests/gis/run.sh
#   FORCEMAP_BIN=path/to/forcemap tests/gis/run.sh   test that binary instead of target/release
#
# The release binary is built with `cargo build --release` when it is missing or older than
# the sources. GeoPackages and logs are kept under tests/output/gis/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/output/gis"
logs="$out/logs"
venv="$root/tests/output/venv"
python="$venv/bin/python"
collections=(countries groupings installations forces events routes borders)
tajikistan=(67.3 36.6 75.2 41.1) # west south east north, around Tajikistan
rm -rf "$out"
mkdir -p "$logs"

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "ok   $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}
# Prints the end of a command's log under a failed check.
show_log() {
  sed -e 's/^/     | /' "$1" | tail -n 15
}

# --- the clients: all must be there
missing=()
for tool in ogrinfo ogr2ogr curl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ! -x "$python" ] || ! "$python" -c 'import owslib' 2>/dev/null; then
  missing+=("OWSLib in $venv")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "FAIL gis: missing ${missing[*]}; run tests/gis/install.sh"
  echo "gis: 0 passed, 1 failed"
  exit 1
fi
echo "gis: $(ogrinfo --version); OWSLib $("$python" -c 'import owslib; print(owslib.__version__)')"

# --- the server binary
if [ -n "${FORCEMAP_BIN:-}" ]; then
  bin="$FORCEMAP_BIN"
else
  bin="${CARGO_TARGET_DIR:-$root/target}/release/forcemap"
  stale=""
  if [ -x "$bin" ]; then
    stale="$(cd "$root" && find Cargo.toml Cargo.lock build.rs src geodata web -path web/node_modules -prune \
      -o -type f -newer "$bin" -print -quit)"
  fi
  if [ ! -x "$bin" ] || [ -n "$stale" ]; then
    echo "gis: cargo build --release"
    (cd "$root" && cargo build --release --bin forcemap)
  fi
fi
[ -x "$bin" ] || { echo "FAIL gis: no forcemap binary at $bin" >&2; exit 1; }

# --- the server, on a free port, stopped on any exit
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

"$bin" serve --bind "127.0.0.1:$port" >"$logs/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 120))
until curl -sf -o /dev/null --max-time 5 "$base/conformance"; do
  if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "FAIL gis: the server did not answer $base/conformance within 120 s; its log:" >&2
    tail -n 30 "$logs/server.log" >&2
    echo "gis: $passed passed, $((failed + 1)) failed"
    exit 1
  fi
  sleep 0.5
done
echo "gis: forcemap at $base (pid $server_pid)"

# The value of a top-level member of the JSON document at $1 (a path on the server).
api_value() {
  curl -sf --max-time 60 -H 'Accept: application/json' "$base$1" |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
# The ids of the features at $1 (a path on the server), one a line.
api_ids() {
  curl -sf --max-time 60 -H 'Accept: application/json' "$base$1" |
    "$python" -c 'import json, sys; print("\n".join(f["id"] for f in json.load(sys.stdin)["features"]))'
}
# The feature count that `ogrinfo -so` reports in its output file $1.
feature_count() {
  sed -n 's/^Feature Count: \([0-9-]*\)$/\1/p' "$1" | head -n 1
}
# The ids in layer $2 of GeoPackage $1, one a line.
gpkg_ids() {
  ogrinfo -ro -q "$1" -sql "SELECT id FROM \"$2\"" | sed -n 's/^ *id (String) = //p'
}

# Compares layer $2 of GeoPackage $1 with what the API serves (tests/gis/compare_copy.py);
# further arguments go to the script.
compare_copy() {
  local gpkg="$1" layer="$2" geojson result
  shift 2
  geojson="${gpkg%.gpkg}-$layer.geojson"
  if ! ogr2ogr -f GeoJSON "$geojson" "$gpkg" "$layer" >"$logs/export-$layer.log" 2>&1; then
    fail "gdal: cannot read $layer back from $(basename "$gpkg")"
    show_log "$logs/export-$layer.log"
    return
  fi
  if result="$("$python" "$here/compare_copy.py" "$base" "$layer" "$geojson" "$@" 2>&1)"; then
    pass "gdal: $(basename "$gpkg"): $result"
  else
    fail "gdal: $(basename "$gpkg"): $result"
  fi
}

oapif="OAPIF:$base"

# --- GDAL: the collections are layers
if ogrinfo -ro "$oapif" >"$logs/ogrinfo.log" 2>&1; then
  layers="$(sed -n 's/^[0-9]*: \([^ ]*\).*$/\1/p' "$logs/ogrinfo.log")"
  absent=()
  for c in "${collections[@]}"; do
    grep -qx "$c" <<<"$layers" || absent+=("$c")
  done
  if [ "${#absent[@]}" -eq 0 ]; then
    pass "gdal: ogrinfo $oapif lists all ${#collections[@]} collections ($(echo $layers))"
  else
    fail "gdal: ogrinfo $oapif lacks ${absent[*]}; it lists: $(echo $layers)"
  fi
else
  fail "gdal: ogrinfo $oapif failed"
  show_log "$logs/ogrinfo.log"
fi

# --- GDAL: each layer's count, read from the service and from a GeoPackage copy
gpkg="$out/forcemap.gpkg"
declare -A matched
for c in "${collections[@]}"; do
  matched[$c]="$(api_value "/collections/$c/items?limit=1&skipGeometry=true" numberMatched || echo '?')"

  if ogrinfo -ro -so "$oapif" "$c" >"$logs/ogrinfo-$c.log" 2>&1; then
    n="$(feature_count "$logs/ogrinfo-$c.log")"
    if [ -n "$n" ] && [ "$n" = "${matched[$c]}" ]; then
      pass "gdal: ogrinfo -so $c reports $n features, the API's numberMatched"
    else
      fail "gdal: ogrinfo -so $c reports '${n}' features; the API's numberMatched is ${matched[$c]}"
      show_log "$logs/ogrinfo-$c.log"
    fi
  else
    fail "gdal: ogrinfo -so $oapif $c failed"
    show_log "$logs/ogrinfo-$c.log"
  fi

  update=()
  [ -f "$gpkg" ] && update=(-update)
  if ogr2ogr "${update[@]}" -f GPKG "$gpkg" "$oapif" "$c" >"$logs/ogr2ogr-$c.log" 2>&1 &&
    ogrinfo -ro -so "$gpkg" "$c" >"$logs/gpkg-$c.log" 2>&1; then
    n="$(feature_count "$logs/gpkg-$c.log")"
    if [ -n "$n" ] && [ "$n" = "${matched[$c]}" ]; then
      pass "gdal: ogr2ogr copies $c into a GeoPackage with all $n features"
    else
      fail "gdal: the GeoPackage copy of $c has '${n}' features; the API's numberMatched is ${matched[$c]}"
      show_log "$logs/gpkg-$c.log"
    fi
    compare_copy "$gpkg" "$c"
  else
    fail "gdal: ogr2ogr -f GPKG ... $oapif $c failed"
    show_log "$logs/ogr2ogr-$c.log"
    [ -f "$logs/gpkg-$c.log" ] && show_log "$logs/gpkg-$c.log"
  fi
done

# --- GDAL: with OGR_GEOJSON_DATE_AS_STRING=YES (see compare_copy.py) every value, dates
# included, must come through exactly; all collections in one ogr2ogr call.
exact_gpkg="$out/forcemap-dates-as-strings.gpkg"
if ogr2ogr --config OGR_GEOJSON_DATE_AS_STRING YES -f GPKG "$exact_gpkg" "$oapif" "${collections[@]}" \
  >"$logs/ogr2ogr-dates-as-strings.log" 2>&1; then
  for c in "${collections[@]}"; do
    compare_copy "$exact_gpkg" "$c" --exact-dates
  done
else
  fail "gdal: ogr2ogr --config OGR_GEOJSON_DATE_AS_STRING YES ... ${collections[*]} failed"
  show_log "$logs/ogr2ogr-dates-as-strings.log"
fi

# --- GDAL: values survive the copy
sql="SELECT id, country, name FROM installations WHERE id = 'kant-air-base'"
if ogrinfo -ro "$gpkg" -sql "$sql" >"$logs/gpkg-kant.log" 2>&1 &&
  grep -q '^ *country (String) = KGZ$' "$logs/gpkg-kant.log"; then
  pass "gdal: in the GeoPackage, kant-air-base has country KGZ"
else
  fail "gdal: in the GeoPackage, kant-air-base does not have country KGZ"
  show_log "$logs/gpkg-kant.log"
fi

# --- GDAL: an attribute filter, which GDAL sends as the `country` parameter the OpenAPI
# definition lists for the items of installations
kgz="$(api_ids "/collections/installations/items?country=KGZ&limit=10000&skipGeometry=true" || true)"
if ogrinfo -ro -q "$oapif" installations -where "country = 'KGZ'" >"$logs/ogrinfo-where.log" 2>&1; then
  got="$(sed -n 's/^ *id (String) = //p' "$logs/ogrinfo-where.log")"
  if [ -z "$kgz" ] || [ "$(sort <<<"$got")" != "$(sort <<<"$kgz")" ]; then
    fail "gdal: ogrinfo -where \"country = 'KGZ'\" finds [$(echo $got)]; the API finds [$(echo $kgz)]"
  elif ! grep -q 'uri=/collections/installations/items?[^ ]*country=KGZ' "$logs/server.log"; then
    fail "gdal: ogrinfo -where \"country = 'KGZ'\" filtered on the client, not with ?country=KGZ"
  else
    pass "gdal: ogrinfo -where \"country = 'KGZ'\" asks the server (?country=KGZ) and gets its $(wc -l <<<"$got") installations"
  fi
else
  fail "gdal: ogrinfo -where \"country = 'KGZ'\" failed"
  show_log "$logs/ogrinfo-where.log"
fi

# --- GDAL: one collection opened by its own URL
if ogrinfo -ro -so "OAPIF:$base/collections/installations" installations >"$logs/ogrinfo-collection-url.log" 2>&1 &&
  [ "$(feature_count "$logs/ogrinfo-collection-url.log")" = "${matched[installations]}" ]; then
  pass "gdal: ogrinfo OAPIF:$base/collections/installations opens that collection alone (${matched[installations]} features)"
else
  fail "gdal: ogrinfo OAPIF:$base/collections/installations does not report ${matched[installations]} features"
  show_log "$logs/ogrinfo-collection-url.log"
fi

# --- GDAL: a bbox (-spat) around Tajikistan
spat_gpkg="$out/installations-tajikistan.gpkg"
bbox_param="$(IFS=,; echo "${tajikistan[*]}")"
expected="$(api_ids "/collections/installations/items?bbox=$bbox_param&limit=10000&skipGeometry=true" || true)"
if ogr2ogr -f GPKG "$spat_gpkg" "$oapif" installations -spat "${tajikistan[@]}" >"$logs/ogr2ogr-spat.log" 2>&1; then
  got="$(gpkg_ids "$spat_gpkg" installations)"
  problems=()
  for id in 201st-garrison-dushanbe 201st-garrison-kulob 201st-garrison-bokhtar; do
    grep -qx "$id" <<<"$got" || problems+=("$id missing")
  done
  grep -qx kant-air-base <<<"$got" && problems+=("kant-air-base (Kyrgyzstan) included")
  if [ "$(sort <<<"$got")" != "$(sort <<<"$expected")" ]; then
    problems+=("ids differ from the API's bbox answer: got [$(echo $got)], API [$(echo $expected)]")
  fi
  if [ "${#problems[@]}" -eq 0 ]; then
    pass "gdal: ogr2ogr -spat ${tajikistan[*]} copies the $(wc -l <<<"$got") installations the API finds there, the 201st garrisons among them and not Kant"
  else
    fail "gdal: ogr2ogr -spat ${tajikistan[*]}: $(IFS=';'; echo "${problems[*]}")"
  fi
else
  fail "gdal: ogr2ogr -spat ${tajikistan[*]} ... installations failed"
  show_log "$logs/ogr2ogr-spat.log"
fi

# --- GDAL: the downloads (CSV, FlatGeobuf, KML) of every collection and of an analysis answer
# are read by GDAL's own drivers with the GeoJSON's feature count, ids, geometries and values
# (tests/gis/compare_download.py).
downloads="$out/downloads"
mkdir -p "$downloads"
declare -A media_types=([csv]=text/csv [fgb]=application/flatgeobuf [kml]=application/vnd.google-earth.kml+xml)
declare -A gdal_drivers=([csv]=CSV [fgb]=FlatGeobuf [kml]=LIBKML)
# The open options that tell GDAL's CSV driver which column holds the geometry, and that an
# empty field is null.
csv_open=(-oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo EMPTY_STRING_AS_NULL=YES)
# Checks the download of $2 (a path on the server with a query) in format $3 as file $1.ext.
check_download() {
  local name="$1" path="$2" format="$3" file headers type count expected open=() copy result
  file="$downloads/$name.$format"
  headers="$logs/download-$name-$format.headers"
  if ! curl -sf --max-time 120 -D "$headers" -o "$file" "$base$path&f=$format"; then
    fail "gdal: GET $path&f=$format failed"
    return
  fi
  type="$(sed -n 's/^content-type: *\([^;[:space:]]*\).*$/\1/Ip' "$headers" | head -n 1)"
  if [ "$type" != "${media_types[$format]}" ] ||
    ! grep -qi "^content-disposition: attachment; filename=\"$name.$format\"" "$headers"; then
    fail "gdal: $path&f=$format answers $type, not ${media_types[$format]} as $name.$format"
    return
  fi
  [ "$format" = csv ] && open=("${csv_open[@]}")
  # Every feature of the GeoJSON answer, analysis shapes (zone, border) included.
  expected="$(api_ids "$path" | grep -c . || echo '?')"
  if ogrinfo -ro -so "${open[@]}" "$file" "$name" >"$logs/download-$name-$format.log" 2>&1 &&
    grep -q "using driver \`${gdal_drivers[$format]}'" "$logs/download-$name-$format.log"; then
    count="$(feature_count "$logs/download-$name-$format.log")"
    if [ -n "$count" ] && [ "$count" = "$expected" ]; then
      pass "gdal: ogrinfo reads $name.$format with GDAL's ${gdal_drivers[$format]} driver: $count features, as many as the GeoJSON"
    else
      fail "gdal: ogrinfo reads '${count}' features in $name.$format; the GeoJSON has $expected"
      show_log "$logs/download-$name-$format.log"
    fi
  else
    fail "gdal: ogrinfo cannot read $name.$format with the ${gdal_drivers[$format]} driver"
    show_log "$logs/download-$name-$format.log"
    return
  fi
  copy="$downloads/$name-$format.geojson"
  if ! ogr2ogr "${open[@]}" -f GeoJSON "$copy" "$file" "$name" >"$logs/download-$name-$format-copy.log" 2>&1; then
    fail "gdal: ogr2ogr cannot copy $name.$format to GeoJSON"
    show_log "$logs/download-$name-$format-copy.log"
    return
  fi
  if result="$("$python" "$here/compare_download.py" "$base$path" "$copy" "$format" 2>&1)"; then
    pass "gdal: $name.$format: $result"
  else
    fail "gdal: $name.$format: $result"
  fi
}
for c in "${collections[@]}"; do
  for format in csv fgb kml; do
    check_download "$c" "/collections/$c/items?limit=10000" "$format"
  done
done
for format in csv fgb kml; do
  check_download border-zone "/analysis/border-zone?countries=TJK,AFG&distance_km=50&collections=installations,forces&datetime=2005-06-01&include=zone&limit=10000" "$format"
done

# --- OWSLib
"$python" "$here/owslib_client.py" "$base" >"$logs/owslib.log" 2>&1 || true
sed -n -e '/^ok   /p' -e '/^FAIL /p' "$logs/owslib.log"
owslib_passed="$(grep -c '^ok   ' "$logs/owslib.log" || true)"
owslib_failed="$(grep -c '^FAIL ' "$logs/owslib.log" || true)"
passed=$((passed + owslib_passed))
failed=$((failed + owslib_failed))
if ! grep -q '^owslib: [0-9]* passed, 0 failed$' "$logs/owslib.log"; then
  [ "$owslib_failed" -gt 0 ] || fail "owslib: owslib_client.py did not finish"
  show_log "$logs/owslib.log"
fi

stop_server
echo "gis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
