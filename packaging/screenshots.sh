#!/usr/bin/env bash
# Takes the README's screenshots as a first-time user sees the program: a
# 1280x720 screen under Xvfb (1024x640 for the *_laptop ones), no saved
# settings, the bundled model and samples. Builds first if needed. Writes resources/screenshots/NAME.png.
#   packaging/screenshots.sh            all of them
#   packaging/screenshots.sh dataset    one of them (main_window, main_window_laptop, compare,
#                                       compare_laptop, dataset, receptive_field, weights, cam_all_methods, filters,
#                                       embedding, embedding_cli, models, timeline, cka_cli, timeline_cli, visualize,
#                                       visualize_cli, faithfulness_cli, faithfulness_dataset,
#                                       faithfulness_laptop)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/packaging/common.sh"

install_missing "${BUILD_PACKAGES[@]}" xvfb xauth xdotool imagemagick dataset-fashion-mnist
[ -x "$ROOT/build/app/actscope" ] || build_release
APP="$ROOT/build/app/actscope"
OUT="$ROOT/resources/screenshots"
DATASET=/usr/share/datasets/fashion-mnist
mkdir -p "$OUT"

# shot NAME SECONDS KEYS -- ARGS...: starts the program with ARGS, waits
# SECONDS for it to load, clicks into the status bar (so keys reach the
# window), types KEYS (xdotool key names, click:X,Y to click there,
# move:X,Y to rest the mouse there, sleep; "" for none), waits for the
# redraw and saves the screen.
shot() {
  local name=$1 wait=$2 keys=$3
  shift 4
  local settings
  settings="$(mktemp -d)"
  XDG_CONFIG_HOME="$settings" xvfb-run -a -s "-screen 0 ${SCREEN:-1280x720}x24" bash -c '
    "$0" "${@:4}" & app=$!
    sleep "$1"
    xdotool mousemove 200 "$(( $(xdotool getdisplaygeometry | cut -d" " -f2) - 8 ))" click 1
    for key in $2; do
      case "$key" in
        click:*) xy="${key#click:}"; xdotool mousemove "${xy%,*}" "${xy#*,}" click 1 ;;
        move:*) xy="${key#move:}"; xdotool mousemove "${xy%,*}" "${xy#*,}" ;;
        sleep) sleep 4 ;;
        *) xdotool key "$key" ;;
      esac
      sleep 1
    done
    sleep 3
    import -window root "$3"
    kill "$app"' "$APP" "$wait" "$keys" "$OUT/$name.png" "$@"
  rm -rf "$settings"
  echo "wrote $OUT/$name.png"
}

only=("$@")
want_shot() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }

want_shot main_window && shot main_window 10 "" -- --layer relu5
want_shot main_window_laptop && SCREEN=1024x640 shot main_window_laptop 10 "" -- --layer relu5
want_shot compare && shot compare 40 "" -- --layer relu4 --dataset "$DATASET" --compare 1236
want_shot compare_laptop && SCREEN=1024x640 shot compare_laptop 40 "" -- --layer relu4 --dataset "$DATASET" --compare 1236
want_shot dataset && shot dataset 40 "" -- --dataset "$DATASET"
# The All Methods... button and the Effective field box of the Grad-CAM pane, where a fresh window puts them.
# Effective field ticked, the mouse resting on a unit of conv4's grid.
want_shot receptive_field && shot receptive_field 10 "click:1052,264 move:500,300 sleep" -- --layer conv4
want_shot weights && shot weights 10 "click:443,49 sleep" -- --layer conv1
# All Methods: every method's map and, once measured, the faithfulness table and deletion curve.
want_shot cam_all_methods && shot cam_all_methods 10 "click:990,264 sleep sleep sleep" -- --layer relu5
# The same over 40 images of the test set (Over the dataset..., the limit typed into its dialog).
want_shot faithfulness_dataset && shot faithfulness_dataset 45 "click:76,50 sleep click:990,264 sleep sleep \
  click:300,294 sleep ctrl+a 4 0 Return sleep sleep sleep sleep sleep sleep sleep sleep sleep sleep sleep sleep \
  sleep sleep sleep" -- --layer relu5 --dataset "$DATASET"
want_shot faithfulness_laptop && SCREEN=1024x640 shot faithfulness_laptop 10 "click:757,262 sleep sleep sleep" -- \
  --layer relu5
if want_shot filters; then
  atlas="$(mktemp -d)"
  "$ROOT/build/app/actscope-cli" scan --model "$ROOT/resources/models/fashion_cnn.pt" --dataset "$DATASET" \
    --out "$atlas" --quiet
  shot filters 10 "" -- --layer relu5 --atlas "$atlas/atlas.json"
  rm -rf "$atlas"
fi
# The Filters view's Visualization tab: every filter of relu3 optimized (512 steps, about a minute),
# then a tile clicked: its image beside its top image of the test set, with the objective on each.
if want_shot visualize; then
  atlas="$(mktemp -d)"
  "$ROOT/build/app/actscope-cli" scan --model "$ROOT/resources/models/fashion_cnn.pt" --dataset "$DATASET" \
    --out "$atlas" --quiet
  shot visualize 100 "click:482,305 sleep" -- --layer relu3 --atlas "$atlas/atlas.json" --visualize
  rm -rf "$atlas"
fi
# The Embedding view on the test set, the mouse resting on a point (its card shows).
want_shot embedding && shot embedding 45 "move:400,300 sleep" -- --dataset "$DATASET" --embed
if want_shot embedding_cli; then
  embedded="$(mktemp -d)"
  "$ROOT/build/app/actscope-cli" embed --model "$ROOT/resources/models/fashion_cnn.pt" --dataset "$DATASET" \
    --out "$embedded" --quiet
  cp "$embedded/embedding.png" "$OUT/embedding_cli.png"
  rm -rf "$embedded"
  echo "wrote $OUT/embedding_cli.png"
fi
# The Models view: the bundled model (A) against an early checkpoint of its training (B) over the
# test set; the cell relu3 x conv4 clicked (both layers drawn for the current image), the mouse
# resting on another cell (its tooltip).
want_shot models && shot models 40 "click:559,252 sleep move:373,332" -- \
  --second-model "$ROOT/resources/models/fashion_run/step_0050.pt"
# The Timeline view: the shipped training run followed over the test set, step_0050 clicked (the
# open model, marked).
want_shot timeline && shot timeline 60 "click:260,350 sleep" -- --training-run "$ROOT/resources/models/fashion_run"
# The CLI's pictures: the bundled model against its checkpoint after 200 steps, and the shipped run,
# over the 10,000 test images.
if want_shot cka_cli || want_shot timeline_cli || want_shot visualize_cli || want_shot faithfulness_cli; then
  pictures="$(mktemp -d)"
  if want_shot cka_cli; then
    "$ROOT/build/app/actscope-cli" cka --model "$ROOT/resources/models/fashion_cnn.pt" \
      --model "$ROOT/resources/models/fashion_run/step_0200.pt" --dataset "$DATASET" --out "$pictures" --quiet
    cp "$pictures/cka.png" "$OUT/cka_cli.png"
    echo "wrote $OUT/cka_cli.png"
  fi
  if want_shot timeline_cli; then
    "$ROOT/build/app/actscope-cli" timeline --checkpoints "$ROOT/resources/models/fashion_run" --dataset "$DATASET" \
      --out "$pictures" --quiet
    cp "$pictures/timeline.png" "$OUT/timeline_cli.png"
    echo "wrote $OUT/timeline_cli.png"
  fi
  if want_shot visualize_cli; then
    "$ROOT/build/app/actscope-cli" visualize --model "$ROOT/resources/models/fashion_cnn.pt" --layer relu3 \
      --out "$pictures" --quiet
    cp "$pictures/relu3.png" "$OUT/visualize_cli.png"
    echo "wrote $OUT/visualize_cli.png"
  fi
  if want_shot faithfulness_cli; then
    "$ROOT/build/app/actscope-cli" faithfulness --model "$ROOT/resources/models/fashion_cnn.pt" --dataset "$DATASET" \
      --limit 500 --out "$pictures" --quiet
    cp "$pictures/faithfulness.png" "$OUT/faithfulness_cli.png"
    echo "wrote $OUT/faithfulness_cli.png"
  fi
  rm -rf "$pictures"
fi
exit 0
