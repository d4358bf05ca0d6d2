#!/usr/bin/env bash
# Install what the compatibility tooling needs on Debian 12 (run as root).
# Idempotent: skips apt when all packages are present, skips the venv when it
# already has kazoo 2.11.0 and pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# man-db, zsh and fish let the tests render the man pages and try each completion script.
PKGS=(libedit-dev zookeeper zookeeper-bin libzookeeper-mt-dev tmux python3-venv man-db groff-base zsh fish zktop)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: apt packages already present"
fi

# Debian's python3 (python3-venv works with it; a pyenv python3 may come first on PATH).
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)"
VENV="$ROOT/.venv"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'PYEOF' 2>/dev/null
import importlib.metadata as m, sys
sys.exit(0 if m.version("kazoo") == "2.11.0" and m.version("pytest") and m.version("prometheus_client") and m.version("pure-sasl") else 1)
PYEOF
then
  echo "install-deps: venv already set up"
else
  echo "install-deps: creating venv $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check kazoo==2.11.0 pytest prometheus_client==0.21.1 pure-sasl==0.6.2
fi

echo "  java:           $(command -v java || echo MISSING)"
echo "  zookeeper jars: /usr/share/java/zookeeper.jar (+ Class-Path deps), log4j-1.2.jar, slf4j-log4j12.jar"
echo "  zkCli.sh:       /usr/share/zookeeper/bin/zkCli.sh"
echo "  cli_mt:         $(ls /usr/lib/zookeeper/bin/cli_mt 2>/dev/null || command -v cli_mt || echo '?')"
echo "  venv:           $VENV (python $("$VENV/bin/python" -c 'import sys;print(sys.version.split()[0])'))"
echo "  pytest:         $VENV/bin/pytest"
