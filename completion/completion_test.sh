#!/usr/bin/env bash
# The bash completion against the binary: at the first word it offers exactly the commands
# of `newswatch --help` (with --help and --version); after each command, exactly the options
# of `newswatch COMMAND --help` (with --help); --config offers TOML files and directories,
# not other files; --log-level offers the levels. Exit 77 (skipped) without bash-completion.
#   completion_test.sh COMPLETION_FILE NEWSWATCH_BINARY
set -euo pipefail
completion=$1 binary=$2
helpers=/usr/share/bash-completion/bash_completion
[ -r "$helpers" ] || {
  echo "SKIP: bash-completion is not installed ($helpers)"
  exit 77
}
# shellcheck source=/dev/null
source "$helpers"
# shellcheck source=/dev/null
source "$completion"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Completes the words given, the last one being the word under the cursor; prints the
# candidates sorted, one per line.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _newswatch newswatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

expect() {
  local what=$1 want=$2 got=$3
  if [ "$want" != "$got" ]; then
    fail "$what"
    diff -u <(echo "$want") <(echo "$got") | sed 's/^/    /' >&2 || true
  fi
}

# The commands are the lines of the usage's "Commands:" block.
commands=$("$binary" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && $1 != "Commands:" { print $1 }')
[ -n "$commands" ] || fail "no commands in '$binary --help'"
expect "newswatch <TAB>: the commands of --help" \
  "$(printf '%s\n' $commands --help --version | LC_ALL=C sort)" "$(complete_words newswatch '')"

for command in $commands; do
  options=$("$binary" "$command" --help | grep -oE '^ +--[a-z][a-z-]*' | tr -d ' ')
  expect "newswatch $command --<TAB>: the options of '$command --help'" \
    "$(printf '%s\n' $options --help | LC_ALL=C sort -u)" \
    "$(complete_words newswatch "$command" --)"
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/packs"
touch "$dir/site.toml" "$dir/notes.txt" "$dir/feeds.opml"
cd "$dir"
expect "newswatch run --config <TAB>: TOML files and directories" \
  "$(printf '%s\n' packs/ site.toml)" \
  "$(complete_words newswatch run --config '' | sed 's|^packs$|packs/|')"
expect "newswatch run --feeds <TAB>: OPML and TOML feed lists and directories" \
  "$(printf '%s\n' feeds.opml packs/ site.toml)" \
  "$(complete_words newswatch run --feeds '' | sed 's|^packs$|packs/|')"
expect "newswatch run --log-level <TAB>: the levels" \
  "$(printf '%s\n' debug error info trace warn)" "$(complete_words newswatch run --log-level '')"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "bash completion: the commands and options of --help, TOML and OPML files, log levels"
