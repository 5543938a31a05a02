#!/usr/bin/env bash
# The runs behind docs/evaluation.md: deployment sweeps per strategy, with and without skip-over,
# on generated topologies of 2,000 and 20,000 ASes, 10 seeds each. Writes docs/evaluation/NAME/
# (sweep.csv, sweep.svg, summary.txt). About 45 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/InterTrack.Cli -c Release -v q -nologo >/dev/null
intertrack() { dotnet src/InterTrack.Cli/bin/Release/net10.0/intertrack.dll "$@"; }
values=0.05,0.08,0.1,0.2,0.3,0.5,0.7,0.9,1
run() { # ASES STRATEGY [--no-skip-over]
  local name="$1-$2${3:+-no-skip-over}"
  mkdir -p "docs/evaluation/$name"
  intertrack emulate --scenario "docs/examples/evaluation-$1.json" --sweep "deployment=$values" --seeds 10 \
    --strategy "$2" ${3:-} --out "docs/evaluation/$name" | grep -v '^deployment = ' > "docs/evaluation/$name/summary.txt"
  echo "$name done"
}
for ases in 2000 20000; do
  for strategy in core-first random stubs-first tier1-and-stubs; do run "$ases" "$strategy"; done
  for strategy in core-first random stubs-first tier1-and-stubs; do run "$ases" "$strategy" --no-skip-over; done
done
