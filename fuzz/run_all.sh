#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after the other, starting from
# the seeds and the corpus kept from earlier runs, and prints what each run did.
#   fuzz/run_all.sh [SECONDS] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # -s none: the crate has no unsafe code; without AddressSanitizer the runs are ~2x faster.
  # Crashes, panics, timeouts (>10 s) and memory over 2 GiB are all reported as failures.
  status=0
  cargo +nightly fuzz run -s none "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 >"logs/$t.log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || echo "?")
  echo "$t: exit $status, $runs executions in $secs s (log: fuzz/logs/$t.log)"
done
