#!/usr/bin/env bash
# Makes sure the Debian packages the integration tests need are installed; called by .ci/run
# (the tests never call it). Installs missing packages with apt-get when run as root on Debian,
# then makes sure no packaged slapd is left listening on port 389 (the tests start their own
# slapd on free high ports; see __tests__/support/slapd.ts).
set -euo pipefail
# shellcheck source=lib/debian.sh
. "$(dirname "$0")/lib/debian.sh"

# Debian packages needed by the tests. Add further ones here.
PACKAGES=(slapd ldap-utils openssl chromium)

log() { echo "[ensure-servers] $*"; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
elif ! [ -x /usr/sbin/slapd ] || ! command -v ldapsearch >/dev/null 2>&1; then
  log "not a Debian system and slapd/ldap-utils are missing: install OpenLDAP (slapd + client tools) by hand"
  exit 1
fi

if [ "${#missing[@]}" -eq 0 ]; then
  log "already installed: ${PACKAGES[*]}"
else
  require_root_for ensure-servers "${missing[@]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only the binaries and schema files are needed: skip the packaged directory configuration.
  if command -v debconf-set-selections >/dev/null 2>&1; then
    echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  fi
  log "apt-get update"
  apt-get update -qq
  log "apt-get install -y --no-install-recommends ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# A packaged slapd may have been started by the postinst (where policy-rc.d allows it). The
# tests never use 389, so stop any slapd listening there; our own test servers (temp folders
# named plsl-slapd-*) are left alone.
listening_389() { (exec 3<>/dev/tcp/127.0.0.1/389) 2>/dev/null; }
if listening_389; then
  log "something listens on 127.0.0.1:389; stopping the system slapd"
  if [ -x /etc/init.d/slapd ]; then
    (command -v service >/dev/null 2>&1 && service slapd stop) >/dev/null 2>&1 || true
  fi
  for dir in /proc/[0-9]*; do
    exe=$(readlink "$dir/exe" 2>/dev/null) || continue
    case "$exe" in */slapd | */slapd\ *) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null) || continue
    case "$cmd" in *plsl-slapd-*) continue ;; esac
    pid=${dir#/proc/}
    log "killing slapd pid $pid: $cmd"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if listening_389; then log "WARNING: port 389 is still in use (not by slapd?)"; fi
fi
log "slapd: $(/usr/sbin/slapd -VV 2>&1 | head -n1 | sed 's/^@(#) //')"
