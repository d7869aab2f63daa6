#!/usr/bin/env bash
# Start a private containerd (Debian 12 package, 1.6.x) in the background with every path under
# BASE, so it never touches /var/lib/containerd, /run/containerd/containerd.sock or another
# containerd's socket. Prints the socket path; the PID goes to BASE/containerd.pid.
#
#   usage: start-containerd.sh BASE
#   env:   CTRD_NETNS=name      run containerd in /run/netns/<name> (nsenter --net; not
#                               `ip netns exec`, which remounts /sys and hides the cgroups)
#          CTRD_LOGLEVEL=info|debug
#
# Exits non-zero when containerd does not answer within 20 s. Already running: prints the socket.
set -euo pipefail
BASE=${1:?usage: start-containerd.sh BASE}
BASE=$(realpath -m "$BASE")
SOCK=$BASE/containerd.sock
mkdir -p "$BASE"/{root,state,opt}
chmod 711 "$BASE"

if [ -s "$BASE/containerd.pid" ] && kill -0 "$(cat "$BASE/containerd.pid")" 2>/dev/null \
   && [ "$(ps -o comm= -p "$(cat "$BASE/containerd.pid")")" = containerd ]; then
  echo "$SOCK"; exit 0
fi

cat > "$BASE/config.toml" <<TOML
version = 2
root  = "$BASE/root"
state = "$BASE/state"
# the CRI plugin would set up Kubernetes networking; the native API does not need it
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  level = "${CTRD_LOGLEVEL:-info}"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$BASE/opt"
TOML

prefix=()
if [ -n "${CTRD_NETNS:-}" ]; then
  prefix=(nsenter "--net=/run/netns/$CTRD_NETNS" --)
fi

# own session: it outlives the calling shell and never gets its SIGINT/SIGHUP
setsid "${prefix[@]}" containerd --config "$BASE/config.toml" </dev/null >>"$BASE/containerd.log" 2>&1 &
echo $! > "$BASE/containerd.pid"

for _ in $(seq 1 200); do
  if ctr --address "$SOCK" version >/dev/null 2>&1; then
    echo "$SOCK"; exit 0
  fi
  if ! kill -0 "$(cat "$BASE/containerd.pid")" 2>/dev/null; then
    echo "containerd exited; log:" >&2; tail -30 "$BASE/containerd.log" >&2; exit 1
  fi
  sleep 0.1
done
echo "containerd did not answer on $SOCK within 20 s" >&2
tail -30 "$BASE/containerd.log" >&2
exit 1
