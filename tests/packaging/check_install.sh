#!/usr/bin/env bash
# Installs the build into a temporary DESTDIR and runs the installed
# programs as an installed copy is run: from a folder outside the source
# tree, finding the bundled model and samples from their own location.
# Then validates the installed desktop entry and AppStream data.
#   check_install.sh BUILD_DIR
set -euo pipefail
build=$1
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
cd "$root"
unset ACTSCOPE_RESOURCE_DIR

share="$root/usr/share/actscope"
version="$("$root/usr/bin/actscope-cli" --version)"
grep -qx "bundled model and samples: $share" <<<"$version" ||
  { echo "the installed CLI does not find its own share folder: $version"; exit 1; }

predicted="$("$root/usr/bin/actscope-cli" predict --model "$share/models/fashion_cnn.pt" \
  --image "$share/samples/00021_sandal.png" --top 1)"
grep -q "Sandal" <<<"$predicted" || { echo "unexpected prediction: $predicted"; exit 1; }
# The shipped training run: six checkpoints, in training order.
[ "$(ls "$share/models/fashion_run/"step_*.pt | wc -l)" -eq 6 ] ||
  { echo "the training run is not installed"; exit 1; }
# The ImageNet class names the card dialog's ImageNet preset uses.
[ "$(wc -l <"$share/labels/imagenet_classes.txt")" -eq 1000 ] ||
  { echo "the ImageNet class names are not installed"; exit 1; }

# A relocated copy finds its own files too.
mv "$root/usr" "$root/elsewhere"
grep -qx "bundled model and samples: $root/elsewhere/share/actscope" \
  <<<"$("$root/elsewhere/bin/actscope-cli" --version)" || { echo "a relocated copy lost its files"; exit 1; }

desktop-file-validate "$root/elsewhere/share/applications/org.actscope.actscope.desktop"
appstreamcli validate --no-net "$root/elsewhere/share/metainfo/org.actscope.actscope.metainfo.xml"
for size in 48x48 64x64 128x128 256x256 scalable; do
  ls "$root/elsewhere/share/icons/hicolor/$size/apps/org.actscope.actscope."* >/dev/null
done
echo "installed programs run and their desktop files validate"
