#!/usr/bin/env bash
# (Re)creates kuke's class-data-sharing archive now, instead of in the background on first use
# (JDK 13-18; on 19+ the JVM keeps it up to date by itself). Run after 'mvn package'.
set -eu
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rm -f "$here"/target/kuke-jdk*.jsa
rmdir "$here"/target/kuke-jdk*.jsa.training 2>/dev/null || true
KUKEON_CDS=wait "$here/bin/kuke" --version >/dev/null
ls "$here"/target/kuke-jdk*.jsa
