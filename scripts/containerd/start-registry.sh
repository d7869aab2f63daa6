#!/usr/bin/env bash
# Start a private image registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1:PORT
# with htpasswd (Basic) auth, and push ARCHIVE (an OCI image archive, see make-busybox-oci.sh)
# into it as 127.0.0.1:PORT/library/busybox:latest with skopeo. Everything lives under BASE; the
# PID goes to BASE/registry.pid. Stop it with stop-registry.sh BASE.
#
#   usage: start-registry.sh BASE PORT USER PASSWORD ARCHIVE
#   needs: apt-get install -y docker-registry skopeo apache2-utils curl
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: start-registry.sh BASE PORT USER PASSWORD ARCHIVE" >&2; exit 2
fi
BASE=$(realpath -m "$1"); PORT=$2; REG_USER=$3; REG_PASSWORD=$4; ARCHIVE=$(realpath "$5")
case "$PORT" in ''|*[!0-9]*) echo "PORT must be a number, got '$PORT'" >&2; exit 2;; esac
[ -f "$ARCHIVE" ] || { echo "no archive at $ARCHIVE" >&2; exit 2; }
ADDR=127.0.0.1:$PORT
mkdir -p "$BASE/data"
chmod 700 "$BASE"

if [ -s "$BASE/registry.pid" ] && kill -0 "$(cat "$BASE/registry.pid")" 2>/dev/null; then
  echo "registry already running, pid $(cat "$BASE/registry.pid")" >&2
else
  htpasswd -Bbc "$BASE/htpasswd" "$REG_USER" "$REG_PASSWORD" 2>/dev/null
  cat > "$BASE/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $BASE/data }, delete: { enabled: true } }
http: { addr: $ADDR }
auth: { htpasswd: { realm: kukeon-test, path: $BASE/htpasswd } }
YAML
  setsid docker-registry serve "$BASE/config.yml" </dev/null >>"$BASE/registry.log" 2>&1 &
  echo $! > "$BASE/registry.pid"
fi

# an anonymous GET /v2/ answers 401 once the registry is up
for _ in $(seq 1 200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/v2/" || true)
  [ "$code" = 401 ] && break
  if ! kill -0 "$(cat "$BASE/registry.pid")" 2>/dev/null; then
    echo "registry exited; log:" >&2; tail -20 "$BASE/registry.log" >&2; exit 1
  fi
  sleep 0.1
done
[ "$code" = 401 ] || { echo "registry did not answer on $ADDR within 20 s" >&2; exit 1; }

# the login goes in an auth file, not on skopeo's command line (visible in ps)
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$ADDR" "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" > "$BASE/auth.json"
chmod 600 "$BASE/auth.json"
skopeo copy --quiet --dest-tls-verify=false --authfile "$BASE/auth.json" \
  "oci-archive:$ARCHIVE" "docker://$ADDR/library/busybox:latest" >&2
echo "$ADDR"
