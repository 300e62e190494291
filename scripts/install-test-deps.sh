#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing: Chromium (browser tests and PDF),
# PostgreSQL (the tests start their own throwaway server from its binaries), nginx (the reverse-proxy
# configuration in deploy/nginx is tested for real) and Node.js with npm (JupyterHub's configurable-http-proxy,
# installed from npm into .cache/npm of this checkout, never globally).
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

# JupyterHub's proxy for tests/browser/test_jupyterhub.py (tests/hub/hubserver.py installs it too when missing).
cd "$(dirname "$0")/.."
chp_version=5.3.0
installed=$(node -p "require('./.cache/npm/node_modules/configurable-http-proxy/package.json').version" 2>/dev/null || true)
if [ "${installed}" != "${chp_version}" ]; then
  echo "Installerer configurable-http-proxy@${chp_version} fra npm i .cache/npm"
  npm install --prefix .cache/npm --no-audit --no-fund --loglevel=error "configurable-http-proxy@${chp_version}"
fi
