#!/usr/bin/env bash
# `intertrack flows --listen` beside nfcapd (Debian's nfdump, -B 8388608), fed the same IPFIX over loopback at rising rates.
#
#   bench/collector-vs-nfcapd.sh [PACKETS] [RATE ...]
#
# PACKETS (default 5,000,000): the benchmark project's synthetic capture (60-byte UDP packets of 200,000 flows) is read
# by softflowd (IPFIX, its default table of 8,192 flows, so about a record per packet); its export datagrams are caught
# once (a receive buffer forced to 256 MiB, sequence numbers checked: none missing) and then replayed, unchanged, to each
# collector in turn at each RATE in datagrams/s (default 10000 20000 40000 80000 max; max is as fast as one Python
# process sends). Per collector and rate it prints the records stored (intertrack: its summary; nfcapd: nfdump -I), the
# loss, what intertrack reported lost (sequence gaps) beside the kernel's drop
# count for the socket (/proc/net/udp), the CPU seconds (user + system, all threads, from just before the replay until
# the collector is idle again: start-up and the final seal are not counted) per million records sent, and peak memory.
# Order is rotated per rate. Loopback only; bounded by PACKETS and the rates (each replay sends the whole export once).
# WORK=DIR keeps the capture and the export between runs; NO_BUILD=1 runs the intertrack already built.
set -euo pipefail
cd "$(dirname "$0")/.."
packets=${1:-5000000}
shift || true
rates=("$@")
[[ ${#rates[@]} -gt 0 ]] || rates=(10000 20000 40000 80000 max)
need=()
command -v softflowd >/dev/null || need+=(softflowd)
command -v nfcapd >/dev/null || need+=(nfdump)
if [[ ${#need[@]} -gt 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; [[ -n ${WORK:-} ]] || rm -rf "$work"; }
trap cleanup EXIT
[[ -n ${NO_BUILD:-} ]] || dotnet build -c Release -v q src/InterTrack.Cli >/dev/null
free_port() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [[ ! -s $work/export.ipfix ]]; then
    rm -f "$work/export.ipfix.ready"
    dotnet run -c Release --project bench/InterTrack.Benchmarks -- make-pcap "$work/capture.pcap" "$packets" >/dev/null
    port=$(free_port)
    # Catches the export: datagrams concatenated (an IPFIX message carries its own length); stops 3 s after the last.
    python3 - "$port" "$work/export.ipfix" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)  # SO_RCVBUFFORCE: nothing of the export may be lost here
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "wb") as out:
    while True:
        try:
            out.write(s.recv(65535))
        except socket.timeout:
            break
        s.settimeout(3)
PY
    catcher=$!
    until [[ -e $work/export.ipfix.ready ]]; do sleep 0.1; done
    softflowd -a -d -r "$work/capture.pcap" -n "127.0.0.1:$port" -v 10 -p "$work/softflowd.pid" -c none >/dev/null 2>&1
    wait "$catcher"
fi


replay() { # PORT RATE: sends the export once; prints what it sent
    python3 - "$1" "$2" "$work/export.ipfix" <<'PY'
import socket, struct, sys, time
port, rate, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
messages, at = [], 0
while at < len(data):
    length = struct.unpack_from("!H", data, at + 2)[0]
    messages.append(data[at:at + length])
    at += length
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
to = ("127.0.0.1", port)
start = time.perf_counter()
if rate == "max":
    for m in messages:
        s.sendto(m, to)
else:
    per_ms = int(rate) / 1000.0
    burst = max(1, int(per_ms))  # datagrams per step, sent back to back, then wait for the schedule
    for i in range(0, len(messages), burst):
        due = start + i / int(rate)
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        for m in messages[i:i + burst]:
            s.sendto(m, to)
took = time.perf_counter() - start
print(f"{len(messages) / took:.0f}")
PY
}

cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # clock ticks (1/100 s), all threads
idle() { # PID: waits until the process used (almost) no CPU for a second (drained), at most 60 s
    local before after
    for _ in $(seq 60); do
        before=$(cpu "$1"); sleep 1; after=$(cpu "$1")
        (( after - before <= 2 )) && return # its timers tick now and then
    done
}
kernel_drops() { awk -v p=":$(printf '%04X' "$1")" '$2 ~ p"$" { print $NF }' /proc/net/udp; }

run_intertrack() { # RATE
    local port out dir sent t0 t1 drops hwm
    port=$(free_port); out=$work/intertrack.out; dir=$work/intertrack.store
    rm -rf "$dir"
    dotnet src/InterTrack.Cli/bin/Release/net10.0/intertrack.dll flows --listen "127.0.0.1:$port" --out "$dir" > "$out" 2>&1 &
    pid=$!
    until grep -q '^storing' "$out" 2>/dev/null; do sleep 0.2; done
    sleep 1
    t0=$(cpu "$pid"); sent=$(replay "$port" "$1"); idle "$pid"; t1=$(cpu "$pid")
    drops=$(kernel_drops "$port"); hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" || true; pid=
    local stored reported
    stored=$(grep -oP '^exporter 127\.0\.0\.1: \d+ messages, \K\d+' "$out" || echo 0)
    reported=$(grep -oP 'lost \K\d+(?= records)' "$out" | tail -1 || true)
    row intertrack "$1" "$sent" "$stored" "$t0" "$t1" "$drops" "$hwm" "${reported:-0} records (sequence gaps); kernel: ${drops} datagrams"
}

run_nfcapd() { # RATE
    local port dir sent t0 t1 drops hwm
    port=$(free_port); dir=$work/nfcapd.store
    rm -rf "$dir"; mkdir -p "$dir"
    nfcapd -w "$dir" -b 127.0.0.1 -p "$port" -B 8388608 -P "$work/nfcapd.pid" > "$work/nfcapd.out" 2>&1 &
    pid=$!
    sleep 1
    t0=$(cpu "$pid"); sent=$(replay "$port" "$1"); idle "$pid"; t1=$(cpu "$pid")
    drops=$(kernel_drops "$port"); hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
    kill -TERM "$pid"; wait "$pid" || true; pid=
    local stored
    stored=$(nfdump -R "$dir" -I 2>/dev/null | awk '/^Flows:/ { print $2 }')
    row nfcapd "$1" "$sent" "${stored:-0}" "$t0" "$t1" "$drops" "$hwm" "kernel: ${drops} datagrams"
}

row() { # COLLECTOR RATE SENT_RATE STORED CPU0 CPU1 DROPS HWM_MB REPORTED
    local loss cpu_per_m
    loss=$(awk -v s="$4" -v t="$total" 'BEGIN { printf "%.3f", 100 * (t - s) / t }')
    cpu_per_m=$(awk -v a="$5" -v b="$6" -v t="$total" 'BEGIN { printf "%.2f", (b - a) / 100 / (t / 1e6) }')
    printf '| %s | %s | %s | %s | %s %% | %s s | %s MB | %s |\n' "$2" "$1" "$3" "$4" "$loss" "$cpu_per_m" "$8" "$9"
}

# The export: its datagrams and data records, and the records missing from softflowd's sequence numbers (must be none).
read -r datagrams total missing < <(python3 - "$work/export.ipfix" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
templates, at, records, datagrams, missing, expected = {}, 0, 0, 0, 0, None
while at < len(data):
    length, _, sequence = struct.unpack_from("!HII", data, at + 2)

    end, p, here = at + length, at + 16, 0
    while p + 4 <= end:
        set_id, set_length = struct.unpack_from("!HH", data, p)
        if set_id == 2:  # templates: id, field count, then (field id, length), an enterprise number after ids with the top bit
            q = p + 4
            while q + 4 <= p + set_length:
                tid, count = struct.unpack_from("!HH", data, q)
                q, size = q + 4, 0
                for _ in range(count):
                    fid, flen = struct.unpack_from("!HH", data, q)
                    q, size = q + (8 if fid & 0x8000 else 4), size + flen
                templates[tid] = size
        elif set_id >= 256 and set_id in templates:  # options sets (templates in set 3) are not flow records
            here += (set_length - 4) // templates[set_id]
        p += max(set_length, 4)
    # softflowd sets a message's sequence number to the data records sent up to and with it (options records not counted)
    missing += 0 if expected is None else (sequence - here - expected) % (1 << 32)
    records, datagrams, expected, at = records + here, datagrams + 1, sequence, end
print(datagrams, records, missing)
PY
)
echo "export: $datagrams datagrams, $total records ($missing missing from its sequence numbers)"
echo
echo "| rate (datagrams/s, asked) | collector | sent (datagrams/s) | records stored | loss | CPU per million records | peak memory | lost as reported |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
turn=0
for rate in "${rates[@]}"; do
    if (( turn++ % 2 == 0 )); then run_intertrack "$rate"; run_nfcapd "$rate"; else run_nfcapd "$rate"; run_intertrack "$rate"; fi
done
