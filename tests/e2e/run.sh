#!/usr/bin/env bash
# End-to-end tests of the map page: builds the release binary if needed, starts
# `forcemap serve` on a free loopback port, runs the browser tests against it in headless
# Chromium, and always stops the server it started. Then the same again over a basemap in the
# Protomaps schema: a fixture archive that fixtures/protomaps_archive.py builds with Python's
# pmtiles, mapbox-vector-tile and shapely (pinned in requirements.txt, installed into
# tests/output/venv-e2e), served with `--basemap`. Then over a synthetic dataset of 100,000
# features (`forcemap synth`, kept in tests/output/synth100k), whose large collections the page
# draws from vector tiles: tiles.test.js, then bench.mjs times it (printed and saved in
# tests/output/bench-synth100k.txt; the built-in data's timings in bench-builtin.txt). Last, the
# static site: `forcemap export` into tests/output/export, its archives read with PyPI's pmtiles
# (check_export.py), and the page from it served by Debian's nginx under /courses/csto/ with no
# forcemap server running (export.test.js).
#
#   tests/e2e/run.sh                  run every test
#   tests/e2e/run.sh static           run only the static export's tests
#   UPDATE_DOCS=1 tests/e2e/run.sh    also refresh docs/screenshot.png
#   FORCEMAP_BIN=path/to/forcemap     use that binary instead of building one
#   CHROMIUM=/path/to/chromium        use another Chromium (default /usr/bin/chromium)
set -euo pipefail

mode="${1:-all}"
case "$mode" in all | static) ;; *) echo "usage: $0 [static]" >&2; exit 2 ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/output"
mkdir -p "$out"

# --- the browser
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "e2e: installing Debian's chromium" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "e2e: $CHROMIUM not found; install chromium (Debian: apt-get install chromium)" >&2
    exit 1
  fi
fi

# --- the test driver (playwright-core and pngjs, pinned in package-lock.json)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- the page's own npm packages, which units.test.js imports through web/js (cargo build
# installs them too)
if [ ! -f "$root/web/node_modules/.package-lock.json" ] || [ "$root/web/package-lock.json" -nt "$root/web/node_modules/.package-lock.json" ]; then
  (cd "$root/web" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- the Python tools that build the Protomaps-schema fixture
venv="$out/venv-e2e"
# shellcheck source=../lib/python_venv.sh
. "$root/tests/lib/python_venv.sh"
python_venv "$venv" "$here/requirements.txt"

# --- the server binary
if [ -z "${FORCEMAP_BIN:-}" ]; then
  target="${CARGO_TARGET_DIR:-$root/target}"
  (cd "$root" && cargo build --release --bin forcemap)
  FORCEMAP_BIN="$target/release/forcemap"
fi
[ -x "$FORCEMAP_BIN" ] || { echo "e2e: no forcemap binary at $FORCEMAP_BIN" >&2; exit 1; }

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
nginx_pid=""
stop_nginx() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  nginx_pid=""
}
trap 'stop_server; stop_nginx' EXIT INT TERM

log="$out/server.log"

# A free loopback port.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Answers 0 when something answers HTTP at the URL $1.
answers() {
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/" 2>/dev/null)" || true
  [ -n "$code" ] && [ "$code" != "000" ]
}

# The loopback port the process $1 listens on, if any (for servers that do not print it).
port_of() {
  command -v ss >/dev/null || return 0
  ss -ltnpH 2>/dev/null | grep "pid=$1," | grep -o '127\.0\.0\.1:[0-9]*' | head -n1 || true
}

# Starts the server bound to $1, with any further arguments, and waits until it answers; sets
# $base to its URL. Loading the dataset takes a while, longer in debug builds and on a busy
# machine.
start_server() {
  local bind="$1" url="" i addr
  shift
  : >"$log"
  "$FORCEMAP_BIN" serve --bind "$bind" "$@" >"$log" 2>&1 &
  server_pid=$!
  for i in $(seq 1 2400); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      server_pid=""
      return 1
    fi
    url="$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$log" | head -n1 | sed 's/^listening on //')" || true
    if [ -z "$url" ]; then
      if [ "${bind##*:}" != "0" ]; then
        url="http://$bind" # the port is the one we chose
      else
        addr="$(port_of "$server_pid")"
        [ -n "$addr" ] && url="http://$addr"
      fi
    fi
    if [ -n "$url" ] && answers "$url"; then
      base="$url"
      return 0
    fi
    sleep 0.25
  done
  stop_server
  return 1
}

# Starts the server (arguments as for start_server, less the address) on a free port and
# waits for its basemap; exits the script if it does not start.
serve() {
  base=""
  if ! start_server 127.0.0.1:0 "$@"; then
    local port
    port="$(free_port)"
    if ! start_server "127.0.0.1:$port" "$@"; then
      echo "e2e: the server did not start; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
  fi
  echo "e2e: forcemap${*:+ $*} at $base (pid $server_pid)"
  # The basemap answers 503 until the server has built it.
  local code="" i
  for i in $(seq 1 600); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Range: bytes=0-0' "$base/basemap.pmtiles" 2>/dev/null)" || true
    [ "$code" != "503" ] && break
    sleep 0.5
  done
  echo "e2e: basemap answers $code"
}

status=0
if [ "$mode" = all ]; then
  serve
  (cd "$here" && FORCEMAP_URL="$base/" node --test --test-concurrency=1 units.test.js modules.test.js map.test.js features.test.js) || status=$?
  # the built-in data timed the same way as the synthetic dataset below, for comparison
  (cd "$here" && node bench.mjs "$base/" 3 | tee "$out/bench-builtin.txt") || status=$?

  fixture="$out/protomaps-fixture.pmtiles"
  "$venv/bin/python" "$here/fixtures/protomaps_archive.py" --server "$base" \
    --places "$root/geodata/places.geojson" --out "$fixture"
  stop_server

  log="$out/server-protomaps.log"
  serve --basemap "$fixture"
  (cd "$here" && FORCEMAP_URL="$base/" node --test --test-concurrency=1 protomaps.test.js) || status=$?
  stop_server

  # --- a large synthetic dataset, written once for this count and seed
  synth="$out/synth100k"
  synth_args=(--features 100000 --seed 1)
  if [ "$(cat "$synth/.made-with" 2>/dev/null)" != "${synth_args[*]}" ]; then
    "$FORCEMAP_BIN" synth "${synth_args[@]}" --out "$synth"
    echo "${synth_args[*]}" >"$synth/.made-with"
  fi
  log="$out/server-synth.log"
  serve --data "$synth"
  (cd "$here" && FORCEMAP_URL="$base/" node --test --test-concurrency=1 tiles.test.js) || status=$?
  (cd "$here" && node bench.mjs "$base/" 3 | tee "$out/bench-synth100k.txt") || status=$?
  stop_server
fi

# --- the static export, served by nginx from a sub-path; no forcemap server runs
site="$out/export"
rm -rf "$site"
"$FORCEMAP_BIN" export --out "$site"
"$venv/bin/python" "$here/check_export.py" "$site" || status=$?

nginx_bin="${NGINX:-/usr/sbin/nginx}"
[ -x "$nginx_bin" ] || { echo "e2e: $nginx_bin not found; install nginx (Debian: apt-get install nginx)" >&2; exit 1; }
web="$out/nginx"
rm -rf "$web"
mkdir -p "$web/temp"
port="$(free_port)"
# Run as whoever runs the tests; nginx ignores `user` unless started as root.
{
  echo "user $(id -un);"
  cat <<NGINX
worker_processes 1;
daemon off;
pid $web/nginx.pid;
error_log $web/error.log;
events { worker_connections 64; }
http {
  access_log $web/access.log;
  client_body_temp_path $web/temp/body;
  proxy_temp_path $web/temp/proxy;
  fastcgi_temp_path $web/temp/fastcgi;
  uwsgi_temp_path $web/temp/uwsgi;
  scgi_temp_path $web/temp/scgi;
  # every type the export holds, so nothing depends on the system's mime.types
  types {
    text/html html;
    text/css css;
    text/javascript js mjs;
    application/json json;
    image/svg+xml svg;
    image/png png;
    text/plain txt;
    application/vnd.pmtiles pmtiles;
    application/geo+json geojson;
    text/csv csv;
    application/flatgeobuf fgb;
    application/vnd.google-earth.kml+xml kml;
  }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    location /courses/csto/ {
      alias $site/;
    }
  }
}
NGINX
} >"$web/nginx.conf"
"$nginx_bin" -p "$web" -e "$web/error.log" -c "$web/nginx.conf" &
nginx_pid=$!
static_base="http://127.0.0.1:$port/courses/csto/"
for i in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${static_base}manifest.json" 2>/dev/null)" = 200 ] && break
  if ! kill -0 "$nginx_pid" 2>/dev/null; then
    echo "e2e: nginx did not start; its log:" >&2
    cat "$web/error.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "e2e: the static export at $static_base (nginx, pid $nginx_pid)"
(cd "$here" && FORCEMAP_URL="$static_base" node --test --test-concurrency=1 export.test.js) || status=$?
stop_nginx
exit "$status"
