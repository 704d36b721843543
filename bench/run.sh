#!/usr/bin/env bash
# Side-by-side load test on 127.0.0.1: forcemap (release build), pygeoapi 0.21 (GeoJSON
# provider, gunicorn, 2 workers), tipg 1.6.1 (uvicorn, 2 workers, over PostGIS loaded with
# ogr2ogr from forcemap's own OGC API) and nginx serving forcemap's answer as a static file of
# the same bytes (the ceiling). Each server is driven in turn with wrk for a bounded time;
# the script prints, as markdown tables, answers/s, p50, p99, one request's time, peak RSS and
# the load average of each, with each peer as a ratio to forcemap. With --features it adds the
# z6 tile holding Dushanbe from forcemap (computed and cached) and tipg, under wrk and one
# request at a time.
#
# Usage: bench/run.sh [--quick] [--features N] [--seed S] [--duration SECONDS]
#                     [--connections C] [--tiles-only]
#   --quick        5 s per measurement instead of 15 s
#   --features N   also measure a synthetic dataset (`forcemap synth --features N`)
#   --tiles-only   with --features: only the tile measurements (no built-in tables, no
#                  pygeoapi or nginx), for sizes where the other questions take minutes each
#
# It installs what it needs (Debian packages when missing, Python packages in virtual
# environments under bench/.cache/), runs its own PostgreSQL cluster from bench/.cache/ and
# stops every process it started, by pid, when it exits. Not part of `cargo test`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
CACHE=$HERE/.cache
RUN=$CACHE/run

ARGS="$*"
QUICK=0
TILES_ONLY=0
FEATURES=0
SEED=1
DURATION=
CONNECTIONS=64
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --tiles-only) TILES_ONLY=1 ;;
    --features) FEATURES=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$TILES_ONLY" = 1 ] && [ "$FEATURES" = 0 ]; then
  echo "--tiles-only measures the synthetic data: give --features N" >&2
  exit 2
fi
[ -n "$DURATION" ] || DURATION=$([ "$QUICK" = 1 ] && echo 5 || echo 15)

BASE_PORT=${FORCEMAP_BENCH_PORT:-18400}
FM_PORT=$BASE_PORT
FM_SYNTH_PORT=$((BASE_PORT + 1))
PYGEOAPI_PORT=$((BASE_PORT + 2))
TIPG_PORT=$((BASE_PORT + 3))
NGINX_PORT=$((BASE_PORT + 4))
PG_PORT=$((BASE_PORT + 5))
PG_VERSION=15
PGBIN=/usr/lib/postgresql/$PG_VERSION/bin

log() { printf '== %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------- processes we started
STARTED=()   # "name:pid"
PG_DATA=
PG_PID=
cleanup() {
  local entry pid
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    entry=${STARTED[$i]}
    pid=${entry##*:}
    kill -TERM "$pid" 2>/dev/null || true
  done
  for entry in "${STARTED[@]}"; do
    pid=${entry##*:}
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    pid=$(head -n1 "$PG_DATA/postmaster.pid")
    kill -TERM "$pid" 2>/dev/null || true   # "smart" shutdown of the cluster we initialised
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started() { STARTED+=("$1:$2"); }
pid_of() {
  local e
  for e in "${STARTED[@]}"; do
    if [ "${e%%:*}" = "$1" ]; then echo "${e##*:}"; fi
  done
}

# The pid and all its descendants.
tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do tree "$child"; done
}

# Sum of the peak resident set (VmHWM) of a process tree, in MB: an upper bound of the tree's
# peak, since the members need not peak together.
peak_rss_mb() {
  local total=0 kb pid
  for pid in $(tree "$1"); do
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  awk -v k="$total" 'BEGIN { printf "%.0f", k / 1024 }'
}

# The 1-minute load average at the end of a measurement: the load the number was taken under
# (the server and wrk themselves count in it).
load_1m() { cut -d' ' -f1 /proc/loadavg; }

wait_http() { # url seconds
  local deadline=$(($(date +%s) + $2))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no answer from $1 after $2 s" >&2; return 1; }
    sleep 0.1
  done
}

# ---------------------------------------------------------------- tools
install_tools() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  command -v ogr2ogr >/dev/null || need+=(gdal-bin)
  command -v curl >/dev/null || need+=(curl)
  command -v jq >/dev/null || need+=(jq)
  [ -x /usr/bin/time ] || need+=(time)
  [ -x "$PGBIN/initdb" ] || need+=("postgresql-$PG_VERSION")
  [ -f "/usr/share/postgresql/$PG_VERSION/extension/postgis.control" ] ||
    need+=("postgresql-$PG_VERSION-postgis-3")
  python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    # Keep the packages' own services from starting: this script runs its own cluster.
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [ ! -e $policy ]; then
      printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
      $sudo chmod +x $policy
      added_policy=1
    fi
    # Their output goes to stderr: stdout is the report.
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${need[@]}" >&2
    [ $added_policy = 0 ] || $sudo rm -f $policy
  fi
}

venv() { # dir packages...
  local dir=$1; shift
  if [ "$(cat "$dir/.installed" 2>/dev/null)" != "$*" ]; then
    log "python packages: $*"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$@" >&2
    echo "$*" >"$dir/.installed"
  fi
}

# ---------------------------------------------------------------- servers
LISTEN_S=
start_forcemap() { # name port [--data DIR]; sets LISTEN_S, the seconds until it answered
  local name=$1 port=$2; shift 2
  local t0; t0=$(now)
  # As many expensive slots as wrk has connections: every request is computed, as the peers
  # (which queue) compute every one, instead of most being shed with 503 beyond the default 8.
  RUST_LOG=warn "$ROOT/target/release/forcemap" serve --bind "127.0.0.1:$port" \
    --expensive-slots "$CONNECTIONS" "$@" \
    >"$RUN/$name.log" 2>&1 &
  started "$name" $!
  wait_http "http://127.0.0.1:$port/conformance" 600
  LISTEN_S=$(since "$t0")
}

start_postgres() {
  PG_DATA=$CACHE/pg/data
  rm -rf "$CACHE/pg"
  mkdir -p "$PG_DATA" "$CACHE/pg/socket"
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$CACHE/pg"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PGBIN/initdb" -D "$PG_DATA" -U bench --auth=trust -E UTF8 >"$RUN/initdb.log"
  "${as[@]}" "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$CACHE/pg/postgres.log" -w \
    -o "-p $PG_PORT -k $CACHE/pg/socket -c listen_addresses=127.0.0.1" start >/dev/null
  PG_PID=$(head -n1 "$PG_DATA/postmaster.pid")
  PG="host=127.0.0.1 port=$PG_PORT user=bench"
  psql -q "$PG dbname=postgres" -c "CREATE DATABASE bench"
  psql -q "$PG dbname=bench" -c "CREATE EXTENSION postgis"
}

# Copies one collection from a forcemap OGC API into PostGIS, as GDAL reads it.
load_postgis() { # port collection table
  ogr2ogr -f PostgreSQL "PG:$PG dbname=bench" "OAPIF:http://127.0.0.1:$1" "$2" \
    -oo PAGE_SIZE=10000 -nln "$3" -overwrite -lco GEOMETRY_NAME=geom
}

start_pygeoapi() { # resources as name=file pairs
  local config=$RUN/pygeoapi.yml entry
  cat >"$config" <<EOF
server:
  bind: {host: 127.0.0.1, port: $PYGEOAPI_PORT}
  url: http://127.0.0.1:$PYGEOAPI_PORT
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  cors: false
  pretty_print: false
  limits: {default_items: 10, max_items: 10000}
  map: {url: "http://127.0.0.1/{z}/{x}/{y}.png", attribution: none}
logging: {level: ERROR}
metadata:
  identification:
    title: benchmark
    description: the same data as forcemap
    keywords: [benchmark]
    keywords_type: theme
    terms_of_service: none
    url: http://127.0.0.1
  license: {name: none, url: http://127.0.0.1}
  provider: {name: benchmark, url: http://127.0.0.1}
  contact: {name: benchmark}
resources:
EOF
  for entry in "$@"; do
    cat >>"$config" <<EOF
  ${entry%%=*}:
    type: collection
    title: ${entry%%=*}
    description: ${entry%%=*}
    keywords: [${entry%%=*}]
    extents:
      spatial: {bbox: [-180, -90, 180, 90], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
    providers:
      - {type: feature, name: GeoJSON, data: ${entry#*=}, id_field: id}
EOF
  done
  local py=$CACHE/venv-pygeoapi/bin
  PYGEOAPI_CONFIG=$config PYGEOAPI_OPENAPI=$RUN/pygeoapi-openapi.yml \
    "$py/pygeoapi" openapi generate "$config" --output-file "$RUN/pygeoapi-openapi.yml" \
    >"$RUN/pygeoapi-openapi.log" 2>&1
  (cd "$RUN" && PYGEOAPI_CONFIG=$config PYGEOAPI_OPENAPI=$RUN/pygeoapi-openapi.yml \
    exec "$py/gunicorn" -w 2 -b "127.0.0.1:$PYGEOAPI_PORT" --timeout 300 \
    pygeoapi.flask_app:APP >"$RUN/pygeoapi.log" 2>&1) &
  started pygeoapi $!
  wait_http "http://127.0.0.1:$PYGEOAPI_PORT/conformance" 120 >/dev/null
}

start_tipg() {
  (cd "$RUN" && DATABASE_URL="postgresql://bench@127.0.0.1:$PG_PORT/bench" \
    TIPG_DB_SCHEMAS='["public"]' TIPG_MAX_FEATURES_PER_QUERY=10000 \
    TIPG_MAX_FEATURES_PER_TILE=10000000 \
    exec "$CACHE/venv-tipg/bin/uvicorn" tipg.main:app --host 127.0.0.1 --port "$TIPG_PORT" \
    --workers 2 --no-access-log --log-level warning >"$RUN/tipg.log" 2>&1) &
  started tipg $!
  wait_http "http://127.0.0.1:$TIPG_PORT/conformance" 120
}

start_nginx() {
  mkdir -p "$RUN/nginx"
  cat >"$RUN/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/body;
  proxy_temp_path $RUN/nginx/proxy;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  uwsgi_temp_path $RUN/nginx/uwsgi;
  scgi_temp_path $RUN/nginx/scgi;
  default_type application/geo+json;
  sendfile on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $RUN/static;
  }
}
EOF
  echo ready >"$RUN/static/ready"
  nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" >"$RUN/nginx/stdout.log" 2>&1 &
  started nginx $!
  wait_http "http://127.0.0.1:$NGINX_PORT/ready" 30
}

# ---------------------------------------------------------------- measuring
TABLES=()
SINGLES=()
FM_RPS=

# CPU time (clock ticks) used so far by the trees of the given pids.
cpu_ticks() {
  local total=0 pid t
  for pid in "$@"; do
    for t in $(tree "$pid"); do
      total=$((total + $(awk '{ print $14 + $15 }' "/proc/$t/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

# Waits (at most 300 s) until the given process trees use less than a tenth of a core: a
# server that queues requests keeps computing those wrk abandoned when it stopped, which would
# otherwise be charged to the next measurement.
wait_idle() {
  local deadline=$(($(date +%s) + 300)) before after
  before=$(cpu_ticks "$@")
  while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.5
    after=$(cpu_ticks "$@")
    [ $((after - before)) -ge $(($(getconf CLK_TCK) / 20)) ] || return 0
    before=$after
  done
  log "still busy after 300 s: $*"
}

# Features in an answer: a GeoJSON collection's features, or an MVT's over all its layers.
count_features() { # file
  if jq -e '.features | length' "$1" 2>/dev/null; then return; fi
  local mvt=$1.mvt
  cp "$1" "$mvt"
  ogrinfo -ro -al -so "$mvt" 2>/dev/null | awk -F': ' '/^Feature Count/ { n += $2; seen = 1 }
    END { if (seen) print n; else print "?" }'
}

# One measurement: a server, a URL (and optionally a wrk script that makes the requests);
# appends a table row. The server is first asked once (the answer is kept, its time is the
# "1 request" column), warmed up for 1 s when that answer took under a second, and left to
# finish what it still computes before and after wrk runs.
measure() { # query-key server-name server-pid url [wrk-script]
  local key=$1 name=$2 pid=$3 url=$4 script=${5:-} code body=$RUN/answers/$1-$2 single
  body=${body// /_}
  if [ -z "$url" ]; then
    TABLES+=("| $name | no forcemap answer to copy | | | | | | | | | |")
    return
  fi
  read -r code single < <(curl -s -o "$body" -w '%{http_code} %{time_total}\n' "$url" || echo 000 0)
  if [ "$code" != 200 ]; then
    TABLES+=("| $name | HTTP $code | | | | | | | | | $(head -c 200 "$body" | tr -d '|\n') |")
    return
  fi
  local bytes features
  bytes=$(stat -c %s "$body")
  features=$(count_features "$body")
  local idle=("$pid")
  [ -z "$PG_PID" ] || idle+=("$PG_PID")
  if awk -v s="$single" 'BEGIN { exit !(s < 1) }'; then
    wrk -t2 -c"$CONNECTIONS" -d1s --timeout 10s ${script:+-s "$script"} "$url" >/dev/null 2>&1 || true
  fi
  wait_idle "${idle[@]}"
  local line report=$RUN/wrk-$key-${name// /_}.txt
  # report.lua's done() runs after the request script's: both are loaded into one wrk.
  if [ -n "$script" ]; then
    cat "$script" "$HERE/report.lua" >"$RUN/wrk-script-$key.lua"
    script=$RUN/wrk-script-$key.lua
  else
    script=$HERE/report.lua
  fi
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$script" "$url" \
    2>&1 | tee "$report" | grep '^RESULT' || true)
  local load; load=$(load_1m)
  wait_idle "${idle[@]}"
  if [ -z "$line" ]; then
    TABLES+=("| $name | wrk failed | | | | | | | | | |")
    return
  fi
  read -r _ rps p50 p99 errors bad total <<<"$line"
  local rss ratio note=""
  rss=$(peak_rss_mb "$pid")
  [ -n "$FM_RPS" ] || FM_RPS=$rps
  ratio=$(awk -v a="$rps" -v b="${FM_RPS:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
  [ "$total" != 0 ] || note="no request completed in ${DURATION} s;"
  [ "$errors" = 0 ] || note="$note $errors socket errors/time-outs;"
  [ "$bad" = 0 ] || note="$note $bad non-2xx answers (not counted in req/s);"
  # With a request script, wrk asks other URLs than the one timed alone.
  [ -z "${5:-}" ] || single="–"
  TABLES+=("| $name | $rps | $p50 | $p99 | $single | $rss | $ratio | $features | $bytes | $load | ${note%;} |")
}

table() { # title
  TABLES+=("" "**$1**" "" "| server | req/s | p50 ms | p99 ms | 1 request s | peak RSS MB | ÷ first row | features | bytes | load 1 min | notes |" "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
  FM_RPS=
}

# One items query against every server in turn: forcemap, nginx serving forcemap's bytes,
# pygeoapi and tipg (whose collection is the PostGIS table of that name). The servers' URLs and
# pids are main's locals ($p, $t, $nginx_pid, $py_pid, $tipg_pid).
measure_items() { # key forcemap-base forcemap-pid collection peer-table query
  local key=$1 base=$2 pid=$3 collection=$4 table=$5 q=$6
  local url="$base/collections/$collection/items?$q"
  measure "$key" forcemap "$pid" "$url"
  measure "$key" nginx "$nginx_pid" "$(static_copy "$key" "$url")"
  measure "$key" pygeoapi "$py_pid" "$p/collections/$table/items?$q&f=json"
  measure "$key" tipg "$tipg_pid" "$t/collections/public.$table/items?$q"
}

# Serves forcemap's own answer for the URL as a static file for nginx; echoes its nginx URL.
static_copy() { # key forcemap-url
  if curl -sf -o "$RUN/static/$1.json" "$2"; then
    echo "http://127.0.0.1:$NGINX_PORT/$1.json"
  fi
}

# The XYZ (Web Mercator) column and row of the tile holding a point at zoom z.
tile_xy() { # lon lat z; echoes "x y"
  awk -v lon="$1" -v lat="$2" -v z="$3" 'BEGIN {
    pi = atan2(0, -1); n = 2 ^ z; r = lat * pi / 180
    printf "%d %d", int((lon + 180) / 360 * n), int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n)
  }'
}

# Times sequential requests (curl), one URL a line on stdin; echoes "count median max" in s.
sequential_times() {
  local url
  while read -r url; do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done |
    sort -n | awk '{ t[NR] = $1 } END { printf "%d %.4f %.4f", NR, t[int((NR + 1) / 2)], t[NR] }'
}

# A row of the one-at-a-time tile table.
single_row() { # name "count median max" features bytes notes
  local count median max
  read -r count median max <<<"$2"
  SINGLES+=("| $1 | $count | $median | $max | $3 | $4 | $(load_1m) | $5 |")
}

# ---------------------------------------------------------------- the run
main() {
  mkdir -p "$CACHE"
  rm -rf "$RUN"
  mkdir -p "$RUN/static" "$RUN/answers"

  install_tools
  venv "$CACHE/venv-pygeoapi" pygeoapi==0.21.0 gunicorn
  venv "$CACHE/venv-tipg" tipg==1.6.1 uvicorn

  log "building forcemap (release)"
  (cd "$ROOT" && cargo build --release --quiet)
  local fm=$ROOT/target/release/forcemap

  local machine
  machine="$(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
  local facts=("machine: $machine" "command: bench/run.sh $ARGS" "load average at the start (uptime): $(uptime | sed 's/.*load average: //')" "wrk: 2 threads, $CONNECTIONS connections, ${DURATION} s per measurement after 1 s of warm-up (none when one request takes a second or more), each server left to finish what it still computes before and after, on the same cores as the servers" "forcemap serve --expensive-slots $CONNECTIONS (one per connection: nothing is shed)" "req/s counts 2xx/3xx answers only; latencies cover every completed request; '1 request s' is one request alone before the load (curl)")

  log "starting forcemap on the built-in data"
  start_forcemap forcemap "$FM_PORT"
  facts+=("forcemap (built-in data) answering after $LISTEN_S s")

  local synth=$CACHE/synth-$FEATURES-seed$SEED
  if [ "$FEATURES" -gt 0 ]; then
    log "forcemap synth --features $FEATURES"
    local t0; t0=$(now)
    "$fm" synth --features "$FEATURES" --seed "$SEED" --out "$synth" 2>"$RUN/synth.log"
    facts+=("forcemap synth --features $FEATURES: $(since "$t0") s, $(du -sm "$synth" | cut -f1) MB on disk")
    /usr/bin/time -v "$fm" validate --data "$synth" >/dev/null 2>"$RUN/validate.txt"
    facts+=("forcemap validate --data (synthetic): $(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$RUN/validate.txt") wall, peak RSS $(awk -F': ' '/Maximum resident/ { printf "%.0f MB", $2 / 1024 }' "$RUN/validate.txt")")
    log "starting forcemap on the synthetic data"
    start_forcemap forcemap-synth "$FM_SYNTH_PORT" --data "$synth"
    facts+=("forcemap (synthetic data) answering after $LISTEN_S s")
  fi

  log "PostgreSQL + PostGIS, loaded from forcemap's OGC API with ogr2ogr"
  start_postgres
  load_postgis "$FM_PORT" installations installations
  load_postgis "$FM_PORT" countries countries
  # pygeoapi reads GeoJSON files: the same features, as forcemap serves them.
  curl -sf -o "$RUN/installations.geojson" "http://127.0.0.1:$FM_PORT/collections/installations/items?limit=10000"
  curl -sf -o "$RUN/countries.geojson" "http://127.0.0.1:$FM_PORT/collections/countries/items?limit=10000"
  local resources=("installations=$RUN/installations.geojson" "countries=$RUN/countries.geojson")
  if [ "$FEATURES" -gt 0 ]; then
    local t0; t0=$(now)
    load_postgis "$FM_SYNTH_PORT" installations installations_synth
    facts+=("ogr2ogr of the synthetic installations into PostGIS: $(since "$t0") s")
    resources+=("installations_synth=$synth/installations.geojson")
  fi
  if [ "$TILES_ONLY" = 0 ]; then
    log "starting pygeoapi, tipg and nginx"
    start_pygeoapi "${resources[@]}"
    start_nginx
  fi
  start_tipg

  local fm_pid py_pid tipg_pid nginx_pid
  fm_pid=$(pid_of forcemap); py_pid=$(pid_of pygeoapi); tipg_pid=$(pid_of tipg)
  nginx_pid=$(pid_of nginx)
  local f=http://127.0.0.1:$FM_PORT p=http://127.0.0.1:$PYGEOAPI_PORT t=http://127.0.0.1:$TIPG_PORT
  local bbox=67.3,36.6,75.2,41.1 q

  if [ "$TILES_ONLY" = 0 ]; then
    log "measuring (built-in data)"
    table "Built-in data: installations in bbox $bbox"
    q="bbox=$bbox&limit=100"
    measure_items small-bbox "$f" "$fm_pid" installations installations "$q"

    table "Built-in data: countries in bbox $bbox"
    measure_items countries-bbox "$f" "$fm_pid" countries countries "$q"

    table "Built-in data: border zone TJK–AFG 50 km (no peer has this question; nginx serves the same bytes)"
    q="countries=TJK,AFG&distance_km=50"
    measure border-zone forcemap "$fm_pid" "$f/analysis/border-zone?$q"
    measure border-zone nginx "$nginx_pid" "$(static_copy border-zone "$f/analysis/border-zone?$q")"
  fi

  if [ "$FEATURES" -gt 0 ]; then
    local fs=http://127.0.0.1:$FM_SYNTH_PORT fs_pid
    fs_pid=$(pid_of forcemap-synth)
    if [ "$TILES_ONLY" = 0 ]; then
      log "measuring (synthetic data)"
      q="bbox=69.0,38.4,69.4,38.7&limit=100"
      table "Synthetic data ($FEATURES features): installations in bbox 69.0,38.4,69.4,38.7, limit=100"
      measure_items synth-bbox "$fs" "$fs_pid" installations installations_synth "$q"

      table "Synthetic data ($FEATURES features): border zone TJK–AFG 50 km over installations, limit=100"
      q="countries=TJK,AFG&distance_km=50&collections=installations&limit=100"
      measure synth-border-zone forcemap "$fs_pid" "$fs/analysis/border-zone?$q"
      measure synth-border-zone nginx "$nginx_pid" "$(static_copy synth-border-zone "$fs/analysis/border-zone?$q")"
    fi

    # A z6 tile of the synthetic installations, the one holding Dushanbe.
    local z=6 x y tile_fm tile_tipg
    read -r x y <<<"$(tile_xy 68.78 38.56 $z)"
    tile_fm=$fs/tiles/installations/$z/$x/$y.mvt
    tile_tipg=$t/collections/public.installations_synth/tiles/WebMercatorQuad/$z/$x/$y
    log "measuring tile $z/$x/$y"
    local first first_features first_bytes busted_features
    first=$(curl -s -o "$RUN/answers/tile-first.mvt" -w '%{time_total}' "$tile_fm")
    first_features=$(count_features "$RUN/answers/tile-first.mvt")
    first_bytes=$(stat -c %s "$RUN/answers/tile-first.mvt")
    curl -s -o "$RUN/answers/tile-busted.mvt" "$tile_fm?datetime=1000-01-01/.."
    busted_features=$(count_features "$RUN/answers/tile-busted.mvt")
    curl -s -o "$RUN/answers/tile-tipg.mvt" "$tile_tipg"
    local tipg_features tipg_bytes
    tipg_features=$(count_features "$RUN/answers/tile-tipg.mvt")
    tipg_bytes=$(stat -c %s "$RUN/answers/tile-tipg.mvt")
    SINGLES+=("" "**Synthetic data ($FEATURES features): tile $z/$x/$y of the installations (holds Dushanbe), one request at a time (curl)**" ""
      "| server | requests | median s | max s | features | bytes | load 1 min | notes |"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    single_row "forcemap, first tile request of the server" "1 $first $first" "$first_features" "$first_bytes" "nothing in its tile cache yet"
    single_row "forcemap, a new \`datetime\` each time" \
      "$(for i in $(seq 20); do printf '%s?datetime=%04d-01-01/..\n' "$tile_fm" $((1000 + i)); done | sequential_times)" \
      "$busted_features" "$(stat -c %s "$RUN/answers/tile-busted.mvt")" "computed each time (the cache is keyed by \`datetime\`)"
    single_row "forcemap, cached" "$(for i in $(seq 20); do echo "$tile_fm"; done | sequential_times)" \
      "$first_features" "$first_bytes" ""
    single_row "tipg" "$(for i in $(seq 20); do echo "$tile_tipg"; done | sequential_times)" \
      "$tipg_features" "$tipg_bytes" "computed each time by PostGIS (ST_AsMVT)"

    table "Synthetic data ($FEATURES features): tile $z/$x/$y of the installations under load"
    measure tile "forcemap cached" "$fs_pid" "$tile_fm"
    measure tile "forcemap uncached" "$fs_pid" "$tile_fm" "$HERE/tile-bust.lua"
    measure tile tipg "$tipg_pid" "$tile_tipg"
  fi

  facts+=("PostgreSQL cluster behind tipg: peak RSS $(peak_rss_mb "$PG_PID") MB (sum over its processes, shared buffers counted in each)")

  facts+=("load average at the end (uptime): $(uptime | sed 's/.*load average: //')")
  printf '\n'
  printf -- '- %s\n' "${facts[@]}"
  printf '%s\n' "${TABLES[@]}"
  [ ${#SINGLES[@]} = 0 ] || printf '%s\n' "${SINGLES[@]}"
  printf '\nraw wrk output and the answers measured: %s\n' "$RUN"
}

main
