#!/usr/bin/env bash
# Installs what tests/gis/run.sh needs on a fresh Debian machine:
#   - GDAL's command-line tools (ogrinfo, ogr2ogr) from Debian's gdal-bin;
#   - a Python virtual environment at tests/output/venv with the packages pinned in
#     tests/gis/requirements.txt (OWSLib).
# Idempotent: what is already there is kept; run it again after requirements.txt changes.
#
#   tests/gis/install.sh
#   PYTHON=/usr/bin/python3 tests/gis/install.sh   build the venv with another interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/tests/output/venv"
python="${PYTHON:-python3}"

sudo_if_needed() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  else
    sudo "$@"
  fi
}

# --- Debian packages
missing=()
command -v ogrinfo >/dev/null && command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
# Debian's python3 needs python3-venv for `python3 -m venv` (ensurepip).
dpkg -s python3-venv >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "gis install: apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
ogrinfo --version

# --- the Python venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "gis install: creating $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
fi
stamp="$venv/.requirements.txt"
if ! cmp -s "$here/requirements.txt" "$stamp"; then
  echo "gis install: pip install -r tests/gis/requirements.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$stamp"
fi
"$venv/bin/python" -c 'import owslib; print("OWSLib", owslib.__version__)'
