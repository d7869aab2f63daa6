# Sourced by run.sh and test.sh: installs what kukeon needs from Debian/Ubuntu packages,
# only what is missing. Needs root.

kukeon_packages=(containerd runc busybox-static containernetworking-plugins iproute2 iptables curl gcc libc6-dev
                 docker-registry skopeo apache2-utils systemd fish groff-base man-db)
# the metrics test parses a scrape with the Prometheus project's own text-format parser
kukeon_packages+=(python3-prometheus-client)
# the journal tests run on a private PostgreSQL server too (scripts/postgres/start-postgres.sh)
kukeon_packages+=(postgresql)
# the journal's durability test traces kukeond's fsyncs
kukeon_packages+=(strace)

install_prerequisites() {
  local missing=()
  for p in "${kukeon_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$0: run as root (containerd, cgroups and the tests need it)" >&2
    exit 1
  fi
}
