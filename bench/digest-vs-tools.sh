#!/usr/bin/env bash
# Whole-process time of `intertrack digest` on a capture of N small packets (default 5,000,000),
# read from the page cache, beside two references on the same file:
#   tcpdump -r FILE -w /dev/null   the cost of merely reading the capture
#   softflowd -r FILE              Debian's flow exporter, what an operator would use to record what passed
# Each command runs 3 times; the median wall time is reported. Run as root (installs tcpdump, softflowd).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need=()
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v softflowd >/dev/null || need+=(softflowd)
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi

dotnet build -c Release -v q src/InterTrack.Cli >/dev/null
dotnet build -c Release -v q bench/InterTrack.Benchmarks >/dev/null
dotnet bench/InterTrack.Benchmarks/bin/Release/net10.0/InterTrack.Benchmarks.dll make-pcap "$work/small.pcap" "$n"
cat "$work/small.pcap" > /dev/null # into the page cache
echo "capture: $n packets, $(du -m "$work/small.pcap" | cut -f1) MiB"

median() { sort -n | sed -n 2p; }
run() { # name, command...
  local name=$1; shift
  local times=()
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  local m
  m=$(printf '%s\n' "${times[@]}" | median)
  printf '%-12s %6.2f s  %6.2f M packets/s\n' "$name" "$m" "$(echo "$n / $m / 1000000" | bc -l)"
}

run tcpdump tcpdump -r "$work/small.pcap" -w /dev/null
run intertrack dotnet src/InterTrack.Cli/bin/Release/net10.0/intertrack.dll digest --pcap "$work/small.pcap" --out "$work/pages" --page-packets 8388608
run softflowd softflowd -r "$work/small.pcap" -n 127.0.0.1:9 -v 9
