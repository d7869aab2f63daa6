#!/usr/bin/env bash
# Removes what scripts/install.sh put in place: <prefix>, the kuke/kukeond links and the systemd
# unit it listed in <prefix>/installed-files (after systemctl disable --now, where systemd runs).
# Never touches containers, kukeond's data dir or <sysconfdir>/kukeond.conf: it says how to remove
# them. Stopping kukeond leaves its containers running (the unit's KillMode=process).
#
#   usage: scripts/uninstall.sh [--prefix /opt/kukeon] [--sysconfdir /etc/kukeon]
set -euo pipefail

prefix=/opt/kukeon
sysconfdir=/etc/kukeon
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?}; shift 2 ;;
    --sysconfdir) sysconfdir=${2:?}; shift 2 ;;
    *) echo "uninstall.sh: unknown argument '$1'" >&2
       echo "usage: scripts/uninstall.sh [--prefix /opt/kukeon] [--sysconfdir /etc/kukeon]" >&2; exit 2 ;;
  esac
done
prefix=${prefix%/}
list=$prefix/installed-files
if [ ! -f "$list" ] || [ ! -f "$prefix/lib/kukeon.jar" ]; then
  echo "uninstall.sh: $prefix is not an installation of kukeon (no $list)" >&2
  exit 1
fi

# systemd is asked only about the unit this installation put where systemd loads it from
loaded_by_systemd() {
  [ -d /run/systemd/system ] && [ "$(systemctl show --property=FragmentPath --value kukeond.service 2>/dev/null)" = "$1" ]
}
mapfile -t installed < "$list"
for path in "${installed[@]}"; do
  if [[ "$path" == */kukeond.service ]] && loaded_by_systemd "$path"; then
    echo "==> systemctl disable --now kukeond.service (its containers keep running)"
    systemctl disable --now kukeond.service || true
  fi
done
for path in "${installed[@]}"; do
  # only what install.sh made: links into the prefix and the unit
  if [ -L "$path" ] && [[ "$(readlink "$path")" == "$prefix/"* ]]; then
    echo "==> removing $path"; rm -f "$path"
  elif [[ "$path" == */kukeond.service ]] && [ -f "$path" ]; then
    reload=no
    loaded_by_systemd "$path" && reload=yes
    echo "==> removing $path"; rm -f "$path"
    if [ "$reload" = yes ]; then systemctl daemon-reload; fi
  fi
done
echo "==> removing $prefix"
rm -rf "$prefix"

data_dir=/var/lib/kukeon
if [ -f "$sysconfdir/kukeond.conf" ]; then
  set_dir=$(sed -n 's/^[[:space:]]*data-dir[[:space:]]*=[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$sysconfdir/kukeond.conf" | tail -1)
  data_dir=${set_dir:-$data_dir}
fi
cat <<EOT
kukeon is uninstalled. Kept, for you to decide:
  $sysconfdir/kukeond.conf       your settings: rm -r $sysconfdir
  $data_dir         kukeond's journal, key, logs and volumes: rm -rf $data_dir
  the containers kukeon started, which keep running. To remove them, before the data dir: install
  again, then 'kuke delete realm NAME --cascade' for each realm 'kuke get realms' lists.
EOT
