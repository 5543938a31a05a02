#!/usr/bin/env bash
# Time and peak memory of the emulator from 1,000 to 78,000 ASes (docs/benchmarks.md, "The whole
# Internet"): per size, 'topology generate' alone, then an emulation at full deployment with
# min(1000, ASes/5) attacker ASes, 10 packets each, every attack packet traced. Writes
# docs/benchmarks/scale.csv and scale.svg. Needs GNU time (Debian package 'time'). About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "error: /usr/bin/time: install Debian's 'time' package" >&2; exit 2; }
dotnet build src/InterTrack.Cli -c Release -v q -nologo >/dev/null
dotnet build bench/InterTrack.Benchmarks -c Release -v q -nologo >/dev/null
intertrack=(dotnet src/InterTrack.Cli/bin/Release/net10.0/intertrack.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/benchmarks
csv=docs/benchmarks/scale.csv
echo "ases,attackers,tracedPackets,generateSeconds,emulateSeconds,peakMiB,recall,precision" > "$csv"
for ases in 1000 2000 5000 10000 20000 40000 78000; do
  attackers=$(( ases / 5 < 1000 ? ases / 5 : 1000 ))
  /usr/bin/time -f "%e" -o "$work/gen.time" "${intertrack[@]}" topology generate --ases "$ases" --seed 1 --model classic --out "$work/t.as-rel" >/dev/null
  cat > "$work/s.json" <<JSON
{ "seed": 1, "topology": { "generate": { "ases": $ases, "model": "classic" } }, "attackers": [ { "count": $attackers } ],
  "packetsPerAttacker": 10, "tracedPackets": $(( attackers * 10 )), "deployment": { "bts": 1.0, "ts": "digest" }, "transport": "memory" }
JSON
  /usr/bin/time -f "%e %M" -o "$work/emu.time" "${intertrack[@]}" emulate --scenario "$work/s.json" --json "$work/r.json" >/dev/null
  read -r seconds kib < "$work/emu.time"
  scores=$(awk '/"intertrack":/{f=1} f&&/"recall":/{gsub(/[^0-9.]/,"");r=$0} f&&/"precision":/{gsub(/[^0-9.]/,"");print r","$0;exit}' "$work/r.json")
  echo "$ases,$attackers,$(( attackers * 10 )),$(cat "$work/gen.time"),$seconds,$(( kib / 1024 )),$scores" | tee -a "$csv"
done
dotnet bench/InterTrack.Benchmarks/bin/Release/net10.0/InterTrack.Benchmarks.dll plot-scale "$csv" docs/benchmarks/scale.svg
