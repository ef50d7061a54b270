#!/usr/bin/env bash
# Builds the .deb from the build folder into a temporary folder, checks what
# it holds and its dependencies, and that lintian finds no error or warning.
#   check_deb.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >/dev/null
deb="$(ls "$out"/actscope_*_*.deb)"
contents="$(dpkg-deb -c "$deb")"
for file in ./usr/bin/actscope ./usr/bin/actscope-cli ./usr/share/actscope/models/fashion_cnn.pt \
  ./usr/share/applications/org.actscope.actscope.desktop ./usr/share/metainfo/org.actscope.actscope.metainfo.xml \
  ./usr/share/man/man1/actscope-cli.1.gz ./usr/share/doc/actscope/copyright; do
  grep -q " $file\$" <<<"$contents" || { echo "$deb lacks $file"; exit 1; }
done
depends="$(dpkg-deb -f "$deb" Depends)"
for library in libtorch libqt6widgets6 libopencv-core; do
  grep -q "$library" <<<"$depends" || { echo "Depends lacks $library: $depends"; exit 1; }
done
[ "$(dpkg-deb -f "$deb" Section)" = science ] || { echo "section is not science"; exit 1; }
lintian --fail-on error,warning "$deb" 2> >(grep -v "running with root privileges" >&2)
echo "$(basename "$deb"): contents, dependencies and lintian checked"
