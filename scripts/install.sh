#!/usr/bin/env bash
# Installs kukeon from an unpacked distribution (kukeon-VERSION.tar.gz, which holds this script) or
# from the build tree (after mvn package):
#   <prefix>/{bin,lib,conf,completion,man,scripts} the installation (replaced by a new install)
#   <prefix>/lib/cds/kukeond-jdk*.jsa              kukeond's class-data archive (scripts/kukeond-cds.sh)
#   <bindir>/kuke, <bindir>/kukeond                links into <prefix>/bin
#   <sysconfdir>/kukeond.conf                      kukeond's settings, every default commented out;
#                                                  created only when absent (yours are kept)
#   <unit-dir>/kukeond.service                     the systemd unit, with these paths
# then, where systemd runs, systemctl daemon-reload and enable --now (unless --no-enable).
# What it installed outside <prefix> is listed in <prefix>/installed-files for scripts/uninstall.sh.
#
#   usage: scripts/install.sh [--prefix /opt/kukeon] [--sysconfdir /etc/kukeon]
#                             [--unit-dir /etc/systemd/system] [--bindir <prefix>/../bin] [--no-enable]
set -euo pipefail

prefix=/opt/kukeon
sysconfdir=/etc/kukeon
unitdir=/etc/systemd/system
bindir=
enable=yes
usage() { sed -n 's/^#   usage: //p; s/^#                             /    /p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?}; shift 2 ;;
    --sysconfdir) sysconfdir=${2:?}; shift 2 ;;
    --unit-dir) unitdir=${2:?}; shift 2 ;;
    --bindir) bindir=${2:?}; shift 2 ;;
    --no-enable) enable=no; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
# paths go into the unit file as they are: absolute, and nothing systemd or sed would read otherwise
for dir in "$prefix" "$sysconfdir" "$unitdir" ${bindir:+"$bindir"}; do
  [[ "$dir" =~ ^/[A-Za-z0-9._/+-]*$ ]] || { echo "install.sh: '$dir' must be an absolute path of letters, digits and ._/+-" >&2; exit 2; }
done
prefix=${prefix%/}
bindir=${bindir:-$(dirname "$prefix")/bin}

# what to install, from the distribution's layout or the build tree's
src=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
if [ -f "$src/lib/kukeon.jar" ]; then
  jar=$src/lib/kukeon.jar lib=$src/lib logger=$src/lib/kukeon-logger shell=$src conf=$src/conf/kukeond.conf
  unit=$src/systemd/kukeond.service
elif [ -f "$src/target/kukeon.jar" ]; then
  jar=$src/target/kukeon.jar lib=$src/target/lib logger=$src/target/kukeon-logger shell=$src/target/dist
  conf=$src/target/dist/conf/kukeond.conf unit=$src/conf/kukeond.service
else
  echo "install.sh: no kukeon.jar in $src/lib or $src/target; build it first: (cd $src && mvn -B -DskipTests package)" >&2
  exit 1
fi
for f in "$lib/kuke.classpath" "$logger" "$conf" "$unit" "$src/conf/kukeond.jvm"; do
  [ -f "$f" ] || { echo "install.sh: $f is missing; build it with mvn package" >&2; exit 1; }
done

echo "==> $prefix"
rm -rf "$prefix.new"
mkdir -p "$prefix.new/bin" "$prefix.new/lib" "$prefix.new/conf"
install -m 0755 "$src/bin/kuke" "$src/bin/kukeond" "$prefix.new/bin/"
mkdir -p "$prefix.new/scripts"
install -m 0755 "$src/scripts/uninstall.sh" "$src/scripts/kukeond-cds.sh" "$prefix.new/scripts/"
cp -L "$lib"/*.jar "$prefix.new/lib/"
install -m 0644 "$jar" "$lib/kuke.classpath" "$prefix.new/lib/"
install -m 0755 "$logger" "$prefix.new/lib/"
install -m 0644 "$src/conf/kukeond.jvm" "$prefix.new/conf/"
for part in completion man; do
  [ -d "$shell/$part" ] && cp -R "$shell/$part" "$prefix.new/"
done
[ -f "$src/README.md" ] && install -m 0644 "$src/README.md" "$prefix.new/"
# the old installation goes only once the new one is complete
rm -rf "$prefix.old"
[ -e "$prefix" ] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
installed=()

# kukeond's class-data archive (its start and adoption of running containers, in lib/cds): a training run
# of its own, without containerd; kukeond runs without it if it cannot be made
echo "==> $prefix/lib/cds: kukeond's class-data archive"
"$prefix/scripts/kukeond-cds.sh" "$prefix" >/dev/null || echo "note: no class-data archive; kukeond starts without it"

echo "==> $bindir/kuke, $bindir/kukeond"
mkdir -p "$bindir"
for tool in kuke kukeond; do
  ln -sfn "$prefix/bin/$tool" "$bindir/$tool"
  installed+=("$bindir/$tool")
done

if [ -f "$sysconfdir/kukeond.conf" ]; then
  echo "==> $sysconfdir/kukeond.conf exists: kept as it is"
else
  echo "==> $sysconfdir/kukeond.conf"
  mkdir -p "$sysconfdir"
  install -m 0644 "$conf" "$sysconfdir/kukeond.conf"
fi

echo "==> $unitdir/kukeond.service"
mkdir -p "$unitdir"
sed -e "s|/opt/kukeon/|$prefix/|g" -e "s|/etc/kukeon/|$sysconfdir/|g" "$unit" > "$unitdir/kukeond.service.tmp"
chmod 0644 "$unitdir/kukeond.service.tmp"
mv -f "$unitdir/kukeond.service.tmp" "$unitdir/kukeond.service"
installed+=("$unitdir/kukeond.service")
printf '%s\n' "${installed[@]}" > "$prefix/installed-files"

case ":$PATH:" in *":$bindir:"*) ;; *) echo "note: $bindir is not on PATH; add it, or use $prefix/bin/kuke" ;; esac
# systemd runs when this directory exists (sd_booted(3))
if [ ! -d /run/systemd/system ]; then
  echo "systemd does not run on this host: start kukeond yourself, e.g. $prefix/bin/kukeond --config $sysconfdir/kukeond.conf"
elif ! systemd-analyze unit-paths 2>/dev/null | grep -qxF "$unitdir"; then
  echo "$unitdir is not a directory systemd reads units from: kukeond.service is installed, not enabled"
elif [ "$enable" = no ]; then
  echo "installed; start it with: systemctl daemon-reload && systemctl enable --now kukeond.service"
else
  echo "==> systemctl daemon-reload && systemctl enable --now kukeond.service"
  systemctl daemon-reload
  systemctl enable --now kukeond.service
fi
echo "kukeon is installed in $prefix; remove it with $prefix/scripts/uninstall.sh --prefix $prefix"
