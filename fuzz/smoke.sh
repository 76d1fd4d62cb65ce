#!/bin/sh
# Usage: fuzz/smoke.sh BUILD_DIR [SECONDS_PER_TARGET]
#
# A short run of every fuzz target over its stored corpus, for CI: one line per target with
# its executions, and a non-zero exit when any target crashes, leaks, hangs (10 s) or grows
# past 2 GiB. BUILD_DIR is a build configured with -DNEWSWATCH_FUZZ=ON (fuzz/README.md).
# The seed is fixed (SEED, default 1), so a run tries a prefix of the same inputs every time:
# CI fails on a change to the code, not on the luck of the draw. Exploring is the long
# campaign's job (fuzz/campaign.sh).
# fuzz/corpus/ is only read: what a run finds goes to a temporary directory, removed after,
# and a failing input is kept next to its log in a directory the failure line names.
set -u

build=${1:?usage: fuzz/smoke.sh BUILD_DIR [SECONDS_PER_TARGET]}
seconds=${2:-5}
seed=${SEED:-1}
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/newswatch-fuzz-smoke.XXXXXX")

# target:corpus:dictionary (html_diff_fuzzer reads HTML with html_text_fuzzer's dictionary)
targets="parse_fuzzer:parse:parse
date_fuzzer:date:date
url_fuzzer:url:url
html_text_fuzzer:html_text:html_text
html_diff_fuzzer:html_diff:html_text
topic_pack_fuzzer:topic_pack:topic_pack
config_fuzzer:config:config
opml_fuzzer:opml:opml"

failed=0
for entry in $targets; do
  target=${entry%%:*}
  rest=${entry#*:}
  corpus=$fuzz_dir/corpus/${rest%%:*}
  dict=$fuzz_dir/dicts/${rest#*:}.dict
  binary=$build/$target
  if [ ! -x "$binary" ]; then
    echo "$target: FAILED, $binary not built"
    failed=1
    continue
  fi
  # As in fuzz/campaign.sh: whole feed documents, short inputs for everything else.
  max_len=4096
  [ "$target" = parse_fuzzer ] && max_len=65536
  run=$work/$target
  mkdir -p "$run/new"
  "$binary" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -dict="$dict" -artifact_prefix="$run/" "$run/new" "$corpus" \
    >"$run/log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$run/log")
  if [ "$status" -eq 0 ]; then
    echo "$target: ok, ${execs:-?} execs in ${seconds} s, peak RSS ${rss:-?} MB"
  else
    # libFuzzer names the artifact after what went wrong: crash-, leak-, timeout-, oom-.
    artifact=$(find "$run" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
      -o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
    echo "$target: FAILED (exit $status), input ${artifact:-none saved}, log $run/log"
    failed=1
  fi
done

if [ "$failed" -eq 0 ]; then
  rm -rf "$work"
else
  echo "fuzz smoke failed: reproduce with BUILD_DIR/TARGET INPUT; the logs are in $work"
fi
exit "$failed"
