# Sourced by the scripts beside it: makes .venv (Python 3.11+) and installs the project into it
# from the lock file (requirements.txt, or requirements-dev.txt with "dev"), again only when the
# lock or pyproject.toml changed since the last install. A lock made from another pyproject.toml
# is noticed: the dependencies then come from pyproject.toml's ranges, with a warning to refresh
# it (scripts/lock). A second argument "--no-lock-check" skips that warning (scripts/lock itself).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

extras="${1:-}"
lock_check="${2:-}"
lock="requirements${extras:+-$extras}.txt"
venv="${MEETUP_BOT_VENV:-.venv}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
  done
fi
if [ -z "$python" ]; then
  echo "Python 3.11 or newer is needed (none found on PATH)." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is needed; $python is $("$python" --version 2>&1)." >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the virtual environment in $venv ..." >&2
  "$python" -m venv "$venv"
fi
# pip's own notices (a newer pip, an index location it skips) are not for whoever runs the bot;
# -qq keeps its errors.
pip=("$venv/bin/python" -m pip install --quiet --quiet --disable-pip-version-check)
locked="$(sed -n 's/^# pyproject.toml dependencies sha256: //p' "$lock" 2>/dev/null | head -n 1 || true)"
if [ "$locked" = "$("$venv/bin/python" scripts/dependency_digest.py pyproject.toml)" ]; then
  source_of_dependencies="$lock"
else
  source_of_dependencies="pyproject.toml"
  if [ "$lock_check" != "--no-lock-check" ]; then
    echo "warning: $lock was not made from this pyproject.toml's dependencies; installing from" \
      "pyproject.toml's ranges instead. Refresh the lock: scripts/lock" >&2
  fi
fi
stamp="$venv/.installed${extras:+-$extras}"
want="$(cat pyproject.toml "$source_of_dependencies" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing meetup-bot${extras:+ with its $extras dependencies} into $venv from $source_of_dependencies ..." >&2
  if [ "$source_of_dependencies" = "$lock" ]; then
    "${pip[@]}" --require-hashes --no-deps -r "$lock"
    "${pip[@]}" --no-deps -e .
  else
    "${pip[@]}" -e ".${extras:+[$extras]}"
  fi
  echo "$want" > "$stamp"
fi
