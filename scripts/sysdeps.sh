#!/usr/bin/env bash
# Install the Debian packages Civitas needs when they are missing.
#   scripts/sysdeps.sh demo   -> what the demo needs (PDF rendering, fonts, gettext, Node.js,
#                                poppler for the previews of council documents)
#   scripts/sysdeps.sh test   -> plus Chromium (browser tests), PostgreSQL client, openssl
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext poppler-utils)
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then want+=(python3-venv); fi
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
if [ "${1:-demo}" = "test" ]; then
  want+=(chromium postgresql-client openssl)  # openssl: the local RFC 3161 authority of the tests
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
