#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing: Chromium (browser tests and PDF),
# PostgreSQL (the tests start their own throwaway server from its binaries), nginx (the reverse-proxy
# configuration in deploy/nginx is tested for real) and Node.js with npm (JupyterHub's configurable-http-proxy,
# which tests/hub/hubserver.py installs from npm into .cache/npm of this checkout, never globally; the static
# site's build fetches the npm package pyodide with `npm pack` into its own cache folder).
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v openssl >/dev/null || need+=(openssl)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)

if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installerer Debian-pakker: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
