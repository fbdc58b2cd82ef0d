#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that reads untrusted or operator input (tests/Fuzz): AFL++ from Debian,
# SharpFuzz instrumenting our assemblies. Each harness checks properties, not only "no crash" (tests/Fuzz/*Harness.cs).
# Usage: bench/fuzz.sh [SECONDS] [--execs N] [--keep DIR] [HARNESS...]
#   SECONDS   per harness (default 600); --execs N instead stops each after about N executions (tests/run.sh: 20,000)
#   --keep    keeps AFL's output (queue, crashes, hangs) in DIR instead of a temporary folder
# Prints one row per harness (executions, executions/s, paths, crashes, hangs), replays every crash or hang found
# through the harness outside AFL to print what broke, and ends with "fuzz: N passed, N failed" (a harness with any
# crash or hang fails).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600 execs="" keep="" harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --execs) execs=${2:?--execs needs a number}; shift 2 ;;
    --keep) keep=${2:?--keep needs a directory}; shift 2 ;;
    [0-9]*) seconds=$1; shift ;;
    *) harnesses+=("$1"); shift ;;
  esac
done

command -v afl-fuzz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; } ||
  { echo "fuzz: afl++ is missing and could not be installed" >&2; exit 1; }
tools=${XDG_CACHE_HOME:-$HOME/.cache}/endpoints/sharpfuzz-2.3.0
[ -x "$tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null ||
  { echo "fuzz: could not install the sharpfuzz tool" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${keep:-$work/out}
mkdir -p "$out"
dotnet build "$root/tests/Fuzz" -c Release -o "$work/bin" -v quiet -nologo >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }
# Instrumented code runs only under afl-fuzz (it writes to AFL's coverage map): crashes are replayed on a plain copy.
cp -a "$work/bin" "$work/plain"
for assembly in Endpoints.DnsOverride Endpoints.Proxy Endpoints.Common; do
  "$tools/sharpfuzz" "$work/bin/$assembly.dll" >/dev/null || { echo "fuzz: could not instrument $assembly" >&2; exit 1; }
done
[ ${#harnesses[@]} -gt 0 ] || mapfile -t harnesses < <(dotnet "$work/bin/Endpoints.Fuzz.dll" --list)

# AFL runs the .NET host, not a binary it built; no core files are wanted; one harness at a time, so no UI.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
limit=(-V "$seconds")
[ -n "$execs" ] && limit=(-E "$execs")
passed=0 failed=0
printf '%-18s %12s %10s %7s %8s %6s\n' harness executions execs/s paths crashes hangs
for harness in "${harnesses[@]}"; do
  corpus=$root/tests/Fuzz/corpus/$harness
  [ -d "$corpus" ] || { echo "fuzz: no seed corpus $corpus" >&2; failed=$((failed + 1)); continue; }
  rm -rf "${out:?}/$harness"
  # -t: an input that takes 2 s is a hang (the harnesses' own time bound); -m none: the .NET runtime reserves much.
  afl-fuzz -i "$corpus" -o "$out/$harness" -t 2000 -m none "${limit[@]}" -- dotnet "$work/bin/Endpoints.Fuzz.dll" "$harness" \
    > "$out/$harness.log" 2>&1
  stats=$out/$harness/default/fuzzer_stats
  if [ ! -f "$stats" ]; then
    echo "fuzz: $harness did not run:" >&2; grep -a "PROGRAM ABORT\|Location" "$out/$harness.log" | sed 's/\x1b\[[0-9;]*m//g' >&2
    failed=$((failed + 1)); continue
  fi
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  printf '%-18s %12s %10s %7s %8s %6s\n' "$harness" "$(stat execs_done)" "$(stat execs_per_sec)" "$(stat corpus_count)" \
    "$(stat saved_crashes)" "$(stat saved_hangs)"
  found=$(find "$out/$harness/default/crashes" "$out/$harness/default/hangs" -type f -name 'id:*' 2>/dev/null)
  if [ -n "$found" ]; then
    failed=$((failed + 1))
    # shellcheck disable=SC2086
    timeout 60 dotnet "$work/plain/Endpoints.Fuzz.dll" "$harness" $found 2>&1 | head -20 | sed 's/^/    /'
  else
    passed=$((passed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
