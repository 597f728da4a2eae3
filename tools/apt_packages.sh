# Sourced by tools/setup.sh and tools/mingw_deps.sh: installs the Debian
# packages among "$@" that are missing, with apt-get (through sudo when not
# root). apt's messages go to stderr, so a caller's standard output stays its
# own. Needs the caller's say and die functions.
install_missing_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    say "Debian packages present"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found (Debian bookworm expected); missing: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo; install as root: ${missing[*]}"
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install failed for: ${missing[*]}"
}
