#!/usr/bin/env bash
# The runs behind docs/evaluation.md: deployment sweeps per strategy, with and without skip-over,
# on generated topologies of 2,000 and 20,000 ASes, 10 seeds each, as measured before spoofing notices. Writes docs/evaluation/NAME/
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
    --strategy "$2" ${3:-} --no-spoof-notices --out "docs/evaluation/$name" | grep -v '^deployment = ' > "docs/evaluation/$name/summary.txt"
  echo "$name done"
}
for ases in 2000 20000; do
  for strategy in core-first random stubs-first tier1-and-stubs; do run "$ases" "$strategy"; done
  for strategy in core-first random stubs-first tier1-and-stubs; do run "$ases" "$strategy" --no-skip-over; done
done

# Skip-over on the realistic model (docs/evaluation.md, "Skip-over on the realistic Internet"). With spoofing notices (the default):
# random deployment at 20,000 and 78,000 ASes and core-first at 8 % on 78,000, 10 seeds each; about 15 minutes on 2 cores.
realistic() { # ASES SEEDS STRATEGY VALUES NAME [FLAGS…]
  local name="realistic-$1-$3-$5"
  mkdir -p "docs/evaluation/$name"
  intertrack emulate --scenario "docs/examples/evaluation-realistic-$1.json" --sweep "deployment=$4" --seeds "$2" --strategy "$3" \
    "${@:6}" --out "docs/evaluation/$name" | grep -v '^deployment = ' | sed "s#$PWD/##" > "docs/evaluation/$name/summary.txt"
  echo "$name done"
}
realistic 20000 10 random 0.08,0.3,0.7 notices
realistic 78000 10 random 0.08,0.3,0.7 notices
realistic 78000 10 core-first 0.08 notices
# The four strategies with skip-over on and off (5 seeds): about 15 minutes.
for ases in 20000 78000; do
  for strategy in core-first random stubs-first tier1-and-stubs; do
    realistic "$ases" 5 "$strategy" 0.08,0.3,0.7 strategies
    realistic "$ases" 5 "$strategy" 0.08,0.3,0.7 strategies-no-skip-over --no-skip-over
  done
done
# Before notices (--no-spoof-notices): three bounds per gap at 20,000 ASes (3 seeds), none and the default at 78,000 ASes
# (2 seeds), core-first at 8 %. About 40 minutes more.
for bound in 1024 100000 256; do realistic 20000 3 random 0.08,0.3,0.7 "bound-$bound" --no-spoof-notices --skip-over-bound "$bound"; done
for bound in 100000 1024; do realistic 78000 2 random 0.08,0.3,0.7 "bound-$bound" --no-spoof-notices --skip-over-bound "$bound"; done
realistic 78000 2 core-first 0.08 bound-1024 --no-spoof-notices --skip-over-bound 1024
