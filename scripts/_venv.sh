# Sourced by scripts/book and scripts/test: create .venv and install the
# exact versions of requirements-lock.txt (what CI tests; scripts/lock makes
# it from pyproject.toml), then the project itself, editable, once.
# Re-installs only when pyproject.toml or the lock changes.
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
want=$(cat pyproject.toml requirements-lock.txt | sha256sum | cut -d' ' -f1)
stamp=.venv/.ssekit-installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing requirements-lock.txt and ssekit into .venv (first run takes about a minute)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
# Python's default, bytecode caches (__pycache__/, ignored by git), even where the machine turns them off: the suite
# starts some 80 processes (kernels, nbval, CLI runs) that import ssekit, and without the caches each one compiles
# ssekit's 16,000 lines again (about 1.2 s of CPU each) and pytest rewrites every test module again.
unset PYTHONDONTWRITEBYTECODE
