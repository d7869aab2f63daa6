#!/bin/sh
# Run by the build: writes the distribution's kukeond.conf from application.conf's kukeon { }
# block, every setting commented out with its full key (restart { initial-backoff } becomes
# restart.initial-backoff) beside its explanation: "#key = value" is a setting, "# text" prose. The defaults themselves stay in the jar: a line
# uncommented here overrides its default, and nothing else changes.
#
#   usage: commented-defaults.sh APPLICATION_CONF OUTPUT_FILE
set -eu
mkdir -p "$(dirname "$2")"
{
  cat <<'HEADER'
# kukeond's settings (kukeond --config FILE; the installed unit passes this file). Every setting is
# shown with its default, commented out ("#key = default"): remove the '#' to change it. Environment variables
# KUKEOND_<KEY> and kukeond's flags win over this file.
HEADER
  awk '
    /^kukeon[ \t]*\{/ { inside = 1; depth = 0; print "kukeon {"; next }
    !inside { next }
    /^[ \t]*#/ || /^[ \t]*$/ { sub(/^[ \t]*/, ""); print ($0 == "" ? "" : "  " $0); next }
    /^[ \t]*[A-Za-z0-9_.-]+[ \t]*\{[ \t]*$/ { name = $1; prefix[++depth] = name "."; next }
    /^[ \t]*\}[ \t]*$/ { if (depth == 0) { print "}"; exit } depth--; next }
    {
      sub(/^[ \t]*/, "")
      key = ""
      for (i = 1; i <= depth; i++) key = key prefix[i]
      print "  #" key $0
    }
  ' "$1"
} > "$2.tmp"
mv -f "$2.tmp" "$2"
