#!/usr/bin/env bash
# Sets everything up (idempotently), then serves the examples or runs the tests.
#   bash dev.sh serve [livedash serve options]   -> http://localhost:5006/
#   bash dev.sh test  [pytest options]
#   bash dev.sh bench [benchmark options]
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

need_root() { if [ "$(id -u)" -ne 0 ]; then command -v sudo >/dev/null && echo sudo; fi; }

setup_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.livedash-$(sha1sum pyproject.toml | cut -c1-12)-$1"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    local target="."; [ "$1" = base ] || target=".[$1]"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$target"
    rm -f "$VENV"/.livedash-*-"$1"
    touch "$stamp"
  fi
}

setup_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    local sudo; sudo=$(need_root)
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
      chromium chromium-driver
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  serve)
    setup_python base
    exec "$VENV/bin/livedash" serve dashboards/ --port "${PORT:-5006}" "$@"
    ;;
  test)
    setup_chromium
    setup_python test
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  bench)
    setup_chromium
    setup_python test
    exec "$VENV/bin/python" -m bench "$@"
    ;;
  *)
    echo "usage: bash dev.sh serve|test|bench [options]" >&2
    exit 2
    ;;
esac
