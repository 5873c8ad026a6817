#!/usr/bin/env bash
# Makes sure the Debian packages of the Samba AD integration tests are installed (see
# __tests__/support/samba.ts; .ci/run calls this, the tests never do). Installs the missing ones
# with apt-get as root, then makes sure no packaged Samba daemon (samba, smbd, nmbd, winbindd)
# is left running: the tests provision and start their own domain controllers in temp folders
# (plsl-samba-dc-*) on loopback addresses 127.0.0.N; those are left alone.
set -euo pipefail
# shellcheck source=lib/debian.sh
. "$(dirname "$0")/lib/debian.sh"

PACKAGES=(samba samba-ad-dc samba-ad-provision winbind krb5-user ldap-utils openssl)

log() { echo "[ensure-samba] $*"; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
elif ! [ -x /usr/sbin/samba ] || ! command -v samba-tool >/dev/null 2>&1; then
  log "not a Debian system and Samba is missing: install the Samba AD DC (samba, samba-tool, python3 bindings) by hand"
  exit 1
fi

if [ "${#missing[@]}" -eq 0 ]; then
  log "already installed: ${PACKAGES[*]}"
else
  require_root_for ensure-samba "${missing[@]}"
  export DEBIAN_FRONTEND=noninteractive
  # krb5-user asks for a default realm; the tests use their own krb5.conf (KRB5_CONFIG).
  if command -v debconf-set-selections >/dev/null 2>&1; then
    debconf-set-selections <<'EOF'
krb5-config krb5-config/default_realm string CORP.EXAMPLE.TEST
krb5-config krb5-config/kerberos_servers string
krb5-config krb5-config/admin_server string
krb5-config krb5-config/add_servers_realm string CORP.EXAMPLE.TEST
krb5-config krb5-config/add_servers boolean false
krb5-config krb5-config/read_conf boolean true
EOF
  fi
  # Keep the packages' services from starting where nothing else prevents it (Docker-style
  # images already ship a policy-rc.d that says 101); ours is removed again afterwards.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=yes
  fi
  trap 'if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  log "apt-get update"
  apt-get update -qq
  log "apt-get install -y ${missing[*]}"
  apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
fi

# Stop what a package may have started (systemd units or init scripts), then kill any packaged
# daemon still alive. A test DC runs with its temp folder plsl-samba-dc-* as working directory
# (samba overwrites its command line, so that is how it is recognised) and is left alone.
for svc in samba-ad-dc smbd nmbd winbind samba; do
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop "$svc" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$svc" ]; then
    (command -v service >/dev/null 2>&1 && service "$svc" stop) >/dev/null 2>&1 || true
  fi
done

daemon_pids() {
  local dir exe cwd
  for dir in /proc/[0-9]*; do
    exe=$(readlink "$dir/exe" 2>/dev/null) || continue
    case "$exe" in
      */sbin/samba | */sbin/smbd | */sbin/nmbd | */sbin/winbindd | */samba-dcerpcd | */samba-bgqd) ;;
      *) continue ;;
    esac
    cwd=$(readlink "$dir/cwd" 2>/dev/null) || cwd=""
    case "$cwd" in */plsl-samba-dc-*) continue ;; esac
    echo "${dir#/proc/}"
  done
}

pids=$(daemon_pids)
if [ -n "$pids" ]; then
  for pid in $pids; do
    log "killing packaged Samba daemon pid $pid ($(readlink "/proc/$pid/exe" 2>/dev/null || echo gone))"
    kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do
    [ -z "$(daemon_pids)" ] && break
    sleep 0.1
  done
  for pid in $(daemon_pids); do kill -9 "$pid" 2>/dev/null || true; done
  sleep 0.2
  if [ -n "$(daemon_pids)" ]; then log "WARNING: Samba daemons still running: $(daemon_pids | tr '\n' ' ')"; fi
fi

log "$(/usr/sbin/samba --version 2>&1 | head -n1)"
