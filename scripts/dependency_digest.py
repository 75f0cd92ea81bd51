"""Print a digest of what pyproject.toml asks to install (Python version, dependencies, extras).

The lock files carry the digest of the pyproject.toml they were made from, so the set-up can tell
when someone changed a dependency without refreshing them (scripts/lock)."""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())["project"]
wanted = {key: project.get(key) for key in ("requires-python", "dependencies", "optional-dependencies")}
print(hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest())
