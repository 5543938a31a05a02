#!/usr/bin/env bash
# Loss the collector reports against the kernel's own count: `intertrack flows --listen` on
# loopback, flooded with N IPFIX datagrams (default 200,000) of 30 records each, sent as fast as
# one Python process can, sequence numbers as an exporter sets them, then after 2 s one more (so a
# loss at the flood's very end shows as a gap). Prints the collector's log and summary and the
# kernel's drop count for its socket (/proc/net/udp, read before the collector stops): the records
# the collector counts lost from the sequence numbers should be 30 x the kernel's drops.
# Loopback only; bounded by N.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
work=$(mktemp -d)
collector=
trap '[[ -n $collector ]] && kill "$collector" 2>/dev/null; rm -rf "$work"' EXIT
dotnet build -c Release -v q src/InterTrack.Cli >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet src/InterTrack.Cli/bin/Release/net10.0/intertrack.dll flows --listen "127.0.0.1:$port" --out "$work/flows" > "$work/out" 2>&1 &
collector=$!
until grep -q '^storing' "$work/out" 2>/dev/null; do sleep 0.2; done

python3 - "$port" "$n" <<'PY'
import socket, struct, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
per = 30
fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (152, 8), (153, 8), (2, 8), (1, 8)]
template = struct.pack("!HH", 256, len(fields)) + b"".join(struct.pack("!HH", f, l) for f, l in fields)
template_set = struct.pack("!HH", 2, 4 + len(template)) + template
now_ms = int(time.time() * 1000)
def records(i):
    return b"".join(struct.pack("!4s4sHHBQQQQ", bytes([198, 18, (i >> 8) & 255, i & 255]), bytes([203, 0, 113, 7]),
                                1024 + r, 53, 17, now_ms, now_ms + 10, 1, 64) for r in range(per))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def send(i):
    body = (template_set if i % 20 == 0 else b"") + struct.pack("!HH", 256, 4 + per * 45) + records(i)
    s.sendto(struct.pack("!HHIII", 10, 16 + len(body), int(time.time()), i * per, 0) + body, ("127.0.0.1", port))
sent_at = time.time()
for i in range(n):
    send(i)
took = time.time() - sent_at
print(f"sent {n} datagrams ({n * per} records) in {took:.2f} s: {n / took:,.0f} datagrams/s, {n * per / took:,.0f} records/s")
time.sleep(2) # the collector drains its queue; then one more message shows a gap at the flood's end
send(n)
PY

sleep 1
hexport=$(printf '%04X' "$port")
kernel=$(awk -v p=":$hexport" '$2 ~ p"$" { print $NF }' /proc/net/udp)
kill -TERM "$collector"
wait "$collector" || true
cat "$work/out"
echo "kernel (/proc/net/udp drops of the collector's socket, before it stopped): $kernel datagrams = $((kernel * 30)) records"
