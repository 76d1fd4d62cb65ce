#!/usr/bin/env bash
# CTest checks of the systemd service; systemd/CMakeLists.txt registers them and sets the
# environment (install paths, build directory). None needs systemd running as PID 1, so they
# run in a container. Exit 77 means skipped: the systemd tool it needs is not installed.
#
#   install   a DESTDIR install is exactly the expected tree, its config is accepted by its
#             binary, and a second install keeps an edited config
#   verify    systemd-analyze verify finds nothing to say about the installed units
#   security  systemd-analyze security --offline rates the unit at most MAX_EXPOSURE
#   sysusers  systemd-sysusers, given the installed tree as root, creates user and group
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
need() {
  command -v "$1" >/dev/null || {
    echo "SKIP: $1 is not installed"
    exit 77
  }
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

install_tree() {
  DESTDIR=$root "$CMAKE_COMMAND" --install "$BUILD_DIR" >"$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log"
    fail "cmake --install $BUILD_DIR"
  }
}

# Directories end in /, files are followed by their mode; directory modes are left out
# because they follow the installer's umask.
tree_of() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%P/\n' \) -o -printf '%P %m\n') |
    LC_ALL=C sort
}

expected_tree() {
  local entry file dir
  for entry in "$NEWSWATCH_BINARY 755" "$UNIT_PATH 644" "$DIGEST_UNIT_PATH 644" \
    "$DIGEST_TIMER_PATH 644" "$SYSUSERS_PATH 644" "$PACK_PATH 644" \
    "$NEWSWATCH_CONFIG 644" "$MAN1_PATH 644" "$MAN5_PATH 644" "$COMPLETION_PATH 644"; do
    file=${entry% *}
    echo "${file#/} ${entry##* }"
    dir=$(dirname "$file")
    while [ "$dir" != / ]; do
      echo "${dir#/}/"
      dir=$(dirname "$dir")
    done
  done | LC_ALL=C sort -u
}

check_install() {
  install_tree
  diff -u <(expected_tree) <(tree_of "$root") ||
    fail "the installed tree differs from the expected one (-expected +installed)"
  echo "Installed tree (DESTDIR=$root):"
  tree_of "$root" | sed 's/^/  /'

  local config=$root$NEWSWATCH_CONFIG
  grep -qx "database = \"$NEWSWATCH_DATABASE\"" "$config" ||
    fail "$config: no database = \"$NEWSWATCH_DATABASE\" line"
  diff -u <(grep -v '^[[:space:]]*database[[:space:]]*=' "$CONFIG_SOURCE") \
    <(grep -v '^database = ' "$config") ||
    fail "$config differs from $CONFIG_SOURCE in more than its database line"
  "$root$NEWSWATCH_BINARY" check-config --config "$config" ||
    fail "the installed newswatch rejects the installed config"

  echo '# edited by the administrator' >>"$config"
  cp "$config" "$tmp/edited.toml"
  install_tree
  cmp -s "$config" "$tmp/edited.toml" || fail "a second install overwrote the edited $config"
  grep -q "Keeping: $config" "$tmp/install.log" ||
    fail "a second install did not say it kept $config"
  diff -u <(expected_tree) <(tree_of "$root") || fail "a second install changed the tree"
  echo "Second install kept the edited config."
}

# verify checks that every Exec*= command exists, at its absolute path. With
# --root=$DESTDIR, systemd 252 looks for the commands and for every unit the service depends
# on (sysinit.target, network-online.target) inside that root, where only newswatch is: it
# reports /bin/kill and the targets as missing. So the installed unit is verified against the
# real system, from a copy whose only change is that the newswatch binary's path points
# into DESTDIR.
check_verify() {
  need systemd-analyze
  install_tree
  local unit=$root$UNIT_PATH copy=$tmp/verify/newswatch.service
  mkdir "$tmp/verify"
  sed "s|=$NEWSWATCH_BINARY |=$root$NEWSWATCH_BINARY |" "$unit" >"$copy"
  [ "$(grep -c "=$root$NEWSWATCH_BINARY " "$copy")" = 2 ] ||
    fail "$unit: expected ExecStartPre= and ExecStart= to run $NEWSWATCH_BINARY"
  cmp -s <(sed "s|=$root$NEWSWATCH_BINARY |=$NEWSWATCH_BINARY |" "$copy") "$unit" ||
    fail "the copy differs from $unit in more than the binary's path"
  # The digest's service and timer: verified together, so that the timer finds its service.
  local digest=$tmp/verify/newswatch-digest.service
  sed "s|=$NEWSWATCH_BINARY |=$root$NEWSWATCH_BINARY |" "$root$DIGEST_UNIT_PATH" >"$digest"
  [ "$(grep -c "=$root$NEWSWATCH_BINARY report " "$digest")" = 1 ] ||
    fail "$DIGEST_UNIT_PATH: expected ExecStart= to run $NEWSWATCH_BINARY report"
  cp "$root$DIGEST_TIMER_PATH" "$tmp/verify/"
  local out
  out=$(systemd-analyze verify --man=no --generators=no "$copy" "$digest" \
    "$tmp/verify/newswatch-digest.timer" 2>&1) || {
    echo "$out"
    fail "systemd-analyze verify $copy $digest newswatch-digest.timer"
  }
  [ -z "$out" ] || {
    echo "$out"
    fail "systemd-analyze verify reported something"
  }
  echo "systemd-analyze verify: nothing to report on $UNIT_PATH, $DIGEST_UNIT_PATH and" \
    "$DIGEST_TIMER_PATH (binary at $root$NEWSWATCH_BINARY)"
}

# The unit in the build tree is the one install copies.
check_security() {
  need systemd-analyze
  local out exposure
  out=$(systemd-analyze security --offline=yes --no-pager "$BUILT_UNIT" 2>&1) || {
    echo "$out"
    fail "systemd-analyze security --offline=yes $BUILT_UNIT"
  }
  echo "$out"
  exposure=$(sed -n 's/.*Overall exposure level for newswatch\.service: \([0-9.]*\).*/\1/p' \
    <<<"$out")
  [ -n "$exposure" ] || fail "no overall exposure level in the output"
  awk -v e="$exposure" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(e + 0 <= max + 0) }' ||
    fail "exposure $exposure is above $MAX_EXPOSURE"
  echo "Exposure $exposure, at most $MAX_EXPOSURE."
}

check_sysusers() {
  need systemd-sysusers
  install_tree
  # An empty /etc: the user is created from the installed snippet alone. systemd-sysusers
  # finds snippets under /usr and /usr/local only; under another prefix it is named.
  local snippet=()
  case $SYSUSERS_PATH in
    /usr/lib/sysusers.d/* | /usr/local/lib/sysusers.d/*) ;;
    *) snippet=("$root$SYSUSERS_PATH") ;;
  esac
  mkdir -p "$root/etc"
  systemd-sysusers --root="$root" "${snippet[@]}" || fail "systemd-sysusers --root=$root"
  local user gid
  user=$(grep '^newswatch:' "$root/etc/passwd") || fail "no user newswatch in $root/etc/passwd"
  echo "$user"
  IFS=: read -r _ _ _ gid _ <<<"$user"
  [[ $user =~ ^newswatch:x:[0-9]+:[0-9]+:[^:]*:/var/lib/newswatch:/usr/sbin/nologin$ ]] ||
    fail "user newswatch: want home /var/lib/newswatch and shell /usr/sbin/nologin"
  grep -q "^newswatch:x:$gid:" "$root/etc/group" ||
    fail "no group newswatch with the user's GID $gid in $root/etc/group"
  # A second run (every boot, every package upgrade) changes nothing.
  cp "$root/etc/passwd" "$tmp/passwd"
  systemd-sysusers --root="$root" "${snippet[@]}" || fail "second systemd-sysusers --root=$root"
  cmp -s "$root/etc/passwd" "$tmp/passwd" || fail "a second systemd-sysusers changed passwd"
}

case ${1-} in
  install | verify | security | sysusers) "check_$1" ;;
  *) fail "usage: $0 install|verify|security|sysusers" ;;
esac
