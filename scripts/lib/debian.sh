# Sourced by scripts/ensure-*.sh: which Debian packages are missing, and whether we may install them.

# Prints the packages among "$@" that dpkg does not list as installed, one per line.
missing_packages() {
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      echo "$p"
    fi
  done
}

# Exits 1 with a hint unless we are root (apt-get needs it). $1: the log prefix, rest: packages.
require_root_for() {
  local who=$1
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "[$who] missing Debian packages: $*; run as root or: sudo apt-get install -y $*"
    exit 1
  fi
}
