# Sourced by the test scripts: `python_venv DIR REQUIREMENTS` makes DIR a Python virtual
# environment with the packages REQUIREMENTS pins, reinstalling only when the file changes
# (and rebuilding the environment when its interpreter no longer runs).
python_venv() {
  local venv="$1" requirements="$2"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
  fi
  if ! cmp -s "$requirements" "$venv/.requirements.txt"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/.requirements.txt"
  fi
}
