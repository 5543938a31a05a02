#!/usr/bin/env bash
# The full InterTrack test suite. Run as root on Debian with the .NET SDK installed; it installs
# what the tests need from Debian's packages when missing, builds, runs every test of both test
# projects, and ends with one summary line "tests: N passed, N failed, N skipped". The fast tests
# alone need none of that: dotnet test tests/InterTrack.Tests (README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Packages the tests use: iproute2 (network namespaces for the lab), libpcap (packet capture),
# softflowd and nfdump (a real flow exporter and a reference collector), python3-dpkt (its
# example captures are the third-party pcaps the flow tests replay), and for the lab: bird2
# (BGP), pmacct (pmacctd exports the flow ASes' IPFIX), tcpdump (the victim's capture), nftables
# (the link-testing ASes' input-debugging counters); for the operator's view: prometheus (a real
# server scrapes the metrics endpoint) and chromium (the operator page in a real browser).
missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8' || missing+=(libpcap0.8)
command -v softflowd >/dev/null 2>&1 || missing+=(softflowd)
command -v nfdump >/dev/null 2>&1 || missing+=(nfdump)
[[ -f /usr/share/doc/python3-dpkt/examples/data/http.pcap ]] || missing+=(python3-dpkt)
command -v bird >/dev/null 2>&1 || missing+=(bird2)
command -v pmacctd >/dev/null 2>&1 || missing+=(pmacct)
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)   # docs/operator.md fetches the page and the metrics
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The whole solution builds (the benchmarks too); then the fast tests run, then the integration
# tests (root, namespaces, real programs, the browser, the docs), one project after the other.
if ! dotnet build InterTrack.slnx -c Release; then
  echo "error: the build failed; no test ran" >&2
  exit 1
fi
projects=(tests/InterTrack.Tests tests/InterTrack.IntegrationTests)
status=0
set +e
for project in "${projects[@]}"; do
  dotnet test "$project" -c Release --no-build 2>&1 | tee "$logs/$(basename "$project").log"
  ((PIPESTATUS[0] == 0)) || status=1
done
set -e

# dotnet test prints one "Passed!/Failed! - Failed: a, Passed: b, Skipped: c" line per test project:
# each project's line again, then their sum. A project without one did not finish (its host crashed).
runner='(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+'
for project in "${projects[@]}"; do
  line=$(grep -E "$runner" "$logs/$(basename "$project").log" || true)
  echo "${line:-"$project: no summary (the test run did not finish)"}"
  [[ -n "$line" ]] || status=1
done
summary=$(cat "$logs"/*.log | grep -E "$runner" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped", p, f, s}')
echo "tests: ${summary:-0 passed, 0 failed, 0 skipped}"
if [[ -z "$summary" || "$summary" == 0\ passed* ]]; then
  echo "error: no test ran" >&2
  exit 1
fi
# CI has root, ../shared and the packages above: a test that skipped there skipped for a reason to fix.
if [[ -n "${CI:-}" && "$summary" != *", 0 skipped" ]]; then
  echo "error: tests skipped in CI (it must run them all): $summary" >&2
  cat "$logs"/*.log | grep -E '^\s+Skipped ' >&2 || true
  exit 1
fi
exit "$status"
