#!/bin/sh
# Usage: fuzz/campaign.sh BUILD_DIR TARGET SECONDS WORK_DIR [LIBFUZZER_FLAG...]
#
# A long run of one fuzz target (fuzz/README.md): its stored corpus is copied to
# WORK_DIR/corpus, which the run grows, so fuzz/corpus/ stays as it is until a deliberate
# merge. Crashes go to WORK_DIR as crash-*, leak-*, timeout-*, oom-*; the log to
# WORK_DIR/log-<start time>. Run again with the same WORK_DIR to go on where a run stopped.
# Extra flags go to libFuzzer: -fork=1 -ignore_crashes=1 keeps a target with a known, open
# crash fuzzing past it. Prints one line of figures at the end.
set -u

build=${1:?usage: fuzz/campaign.sh BUILD_DIR TARGET SECONDS WORK_DIR [LIBFUZZER_FLAG...]}
target=${2:?target, e.g. parse_fuzzer}
seconds=${3:?seconds}
work=${4:?work directory}
shift 4
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
name=${target%_fuzzer}
case $name in
  html_diff) corpus_name=html_diff dict_name=html_text ;;
  *) corpus_name=$name dict_name=$name ;;
esac

mkdir -p "$work/corpus"
cp "$fuzz_dir/corpus/$corpus_name/"* "$work/corpus/"
# The feed parser reads whole documents; every other target's inputs are short.
max_len=4096
[ "$name" = parse ] && max_len=65536

# GNU time reports the peak RSS of the fuzzer and, in fork mode, of its largest job.
started=$(date +%s)
log=$work/log-$started
/usr/bin/time -f 'peak_rss_kb: %M' -o "$log.time" \
  "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -dict="$fuzz_dir/dicts/$dict_name.dict" -artifact_prefix="$work/" "$@" \
  "$work/corpus" >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - started))

# Without fork the final stats say it all; with fork the last "#N:" line counts executions.
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
rss_mb=$(($(sed -n 's/^peak_rss_kb: //p' "$log.time") / 1024))
files=$(find "$work/corpus" -type f | wc -l)
bytes=$(du -sb "$work/corpus" | cut -f1)
found=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
  -o -name 'oom-*' \) | wc -l)
echo "$target: exit $status, ${elapsed} s, ${execs:-?} execs, $((${execs:-0} / (elapsed > 0 ? elapsed : 1))) exec/s," \
  "peak RSS ${rss_mb} MB, corpus $files files / $((bytes / 1024)) KiB, $found failing inputs kept"
