#!/usr/bin/env bash
# Installs Request Tracker 5 from Debian's packages without questions (SQLite, standalone server,
# rt-mailgate), so the tests in this folder can run private instances. Skips at once when RT is
# already installed; quiet on success; on failure prints the end of apt's output and exits non-zero.
# Recipe: /work/shared/reference/request-tracker.md (debconf preseed, --no-install-recommends).
set -euo pipefail

PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients)
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server

installed() {
  [ -x "$RT_SERVER" ] || return 1
  local package
  for package in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || return 1
  done
}

installed && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install.sh: Request Tracker 5 is not installed and installing it needs root (apt-get); run: sudo $0" >&2
  exit 1
fi

# One install at a time: helpers and CI may call this together; the second one waits, then skips.
exec 9>/tmp/baton-request-tracker-install.lock
flock 9
installed && exit 0

log=$(mktemp /tmp/baton-request-tracker-install.XXXXXX.log)
fail() {
  echo "install.sh: $1 (full log: $log); last lines:" >&2
  tail -n 30 "$log" >&2
  exit 1
}

debconf-set-selections <<'PRESEED' >>"$log" 2>&1 || fail "debconf-set-selections failed"
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/rtname string rt.example.test
request-tracker5 request-tracker5/organization string example.test
request-tracker5 request-tracker5/correspondaddress string rt@example.test
request-tracker5 request-tracker5/commentaddress string rt-comment@example.test
request-tracker5 request-tracker5/webpath string /rt
request-tracker5 request-tracker5/initial-root-password password password
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
PRESEED

started=$(date +%s)
apt-get update -qq >>"$log" 2>&1 || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$log" 2>&1 \
  || fail "apt-get install ${PACKAGES[*]} failed"
installed || fail "apt-get finished but $RT_SERVER or a package is missing"
echo "Request Tracker 5 installed in $(( $(date +%s) - started )) s" >>"$log"
rm -f "$log"
