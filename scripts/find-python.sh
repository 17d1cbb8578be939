#!/bin/sh
# Prints the first Python >= 3.11 on PATH, or explains what to install.
for candidate in python3.13 python3.12 python3.11 python3 python; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "smartregion braucht Python 3.11 oder neuer, gefunden wurde keines." >&2
echo "Installieren Sie es z. B. mit 'apt-get install python3 python3-venv' (Debian 12 / Ubuntu 24.04)" >&2
echo "oder setzen Sie PYTHON=/pfad/zu/python3.11 beim Aufruf von make." >&2
exit 1
