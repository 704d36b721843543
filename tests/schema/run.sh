#!/usr/bin/env bash
# The API document tested against the server it describes: schemathesis (pinned in
# requirements.txt, installed into tests/output/venv-schema) draws requests from `/api` and runs
# every check: no server error, every response inside the document, every request the
# document admits accepted, every request it forbids refused. hooks.py holds the few rules a
# schema cannot state (CQL2 filters, date order, bbox order). Starts `forcemap serve` on a free
# loopback port and always stops the server it started.
#
# Two of schemathesis's phases are left out: "coverage", whose value walker fails inside
# hypothesis with "AST constructor recursion depth mismatch" on this document (an error of the
# tool, reported as a run error), and "stateful", which infers links from response bodies and
# so takes the `{z}/{x}/{y}` template of a TileJSON document for literal path values.
#
#   tests/schema/run.sh                 bounded run (the one CI makes)
#   EXAMPLES=500 tests/schema/run.sh    more cases per operation (default 100)
#   FORCEMAP_BIN=path/to/forcemap       use that binary instead of building one
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/output"
mkdir -p "$out"

venv="$out/venv-schema"
# shellcheck source=../lib/python_venv.sh
. "$root/tests/lib/python_venv.sh"
python_venv "$venv" "$here/requirements.txt"

if [ -z "${FORCEMAP_BIN:-}" ]; then
  (cd "$root" && cargo build --release --bin forcemap)
  FORCEMAP_BIN="${CARGO_TARGET_DIR:-$root/target}/release/forcemap"
fi

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$FORCEMAP_BIN" serve --bind "127.0.0.1:$port" > "$out/schema-server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$url/conformance" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$out/schema-server.log" >&2; exit 1; }
  sleep 0.2
done
# The archives are built beside the server; the archive endpoints answer once they exist.
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/thematic.json")" = 200 ] && break
  sleep 0.5
done

cd "$here"
FORCEMAP_URL="$url" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here" \
  "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$url/api?f=json" --url "$url" \
  --checks all --max-examples "${EXAMPLES:-100}" --workers 2 --phases examples,fuzzing \
  --generation-deterministic --max-failures 100 \
  --report junit --report-dir "$out/schema-report"
