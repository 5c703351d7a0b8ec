# Sourced by scripts/book and scripts/test: create .venv and install the
# project with its book and test extras, once. Re-installs only when
# pyproject.toml changes (the package itself is installed editable).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "ssekit needs Python >= 3.11 as '$PYTHON' (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
stamp=.venv/.ssekit-installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing ssekit[book,test] into .venv (first run takes about a minute)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[book,test]"
  echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
