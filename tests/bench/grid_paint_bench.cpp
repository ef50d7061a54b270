// Layer switching in the desktop program: the time from selecting a layer
// whose activations are cached to its grid being painted, for a 512-filter
// 28x28 layer (resnet18's layer4 convs at a 896x896 input), through the real
// main window (offscreen). The CAM pane is pinned so no model run competes.
//
//   bench_grid_paint [--iterations N]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <QApplication>
#include <QCheckBox>
#include <QSignalSpy>

#include "core/maps/grid.h"
#include "core/maps/normalization.h"
#include "core/model/model_card.h"
#include "tests/bench/bench_support.h"
#include "ui/controllers/activations_controller.h"
#include "ui/shell/main_window.h"
#include "ui/widgets/grid_view.h"

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("actscope-bench"));
  int iterations = 40;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0) iterations = std::max(1, std::atoi(argv[++i]));
  }
  actscope::ModelCard card;
  card.name = "resnet18";
  card.channels = 3;
  card.height = 896;
  card.width = 896;
  card.mean = {0.485f, 0.456f, 0.406f};
  card.std = {0.229f, 0.224f, 0.225f};
  actscope::MainWindow window;
  window.resize(1600, 1000);
  window.show();
  QSignalSpy captured(&window.activations(), &actscope::ActivationsController::captureShown);
  const QString model = QStringLiteral(ACTSCOPE_FIXTURE_DIR "/resnet18_scripted.pt");
  const QString image = QStringLiteral(ACTSCOPE_SOURCE_DIR "/resources/samples/02180_ankle_boot.png");
  window.open(model, {image}, card);
  if (!captured.wait(120000)) {
    std::fprintf(stderr, "the capture never arrived\n");
    return 1;
  }
  window.findChild<QCheckBox*>(QStringLiteral("camPinLayer"))->setChecked(true);
  auto* grid = window.findChild<actscope::GridView*>(QStringLiteral("activationGrid"));
  const QStringList layers = {QStringLiteral("layer4.1.conv2"), QStringLiteral("layer4.1.bn2")};
  std::vector<double> ms;
  for (int i = 0; i < iterations + 2; ++i) {
    const double elapsed = actscope::bench::time_ms([&] {
      window.activations().select_layer(layers[i % 2]);
      grid->repaint();  // synchronous paint of the new grid
    });
    if (i >= 2) ms.push_back(elapsed);  // the first two warm the caches
  }
  // The parts: normalizing and composing the grid (core), without Qt.
  std::vector<float> maps(512 * 28 * 28);
  for (size_t i = 0; i < maps.size(); ++i) maps[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f - 0.3f;
  std::vector<double> normalize_ms, compose_ms;
  for (int i = 0; i < iterations; ++i) {
    actscope::NormalizedMaps normalized;
    normalize_ms.push_back(actscope::bench::time_ms([&] {
      normalized = actscope::normalize_maps(maps.data(), 512, 28, 28, actscope::Normalization::kFilter);
    }));
    actscope::GridOptions options;
    options.top_k = 512;
    compose_ms.push_back(actscope::bench::time_ms([&] { actscope::compose_grid(normalized, options); }));
  }
  std::printf("  of which (synthetic 512x28x28): normalize %.2f ms, compose grid %.2f ms (medians)\n",
              actscope::bench::median(normalize_ms), actscope::bench::median(compose_ms));
  std::sort(ms.begin(), ms.end());
  std::printf(
      "select cached layer -> grid painted: %d tiles of %dx%d, zoom %.2f: median %.2f ms, p90 %.2f ms, max "
      "%.2f ms"
      " (%d switches)\n",
      grid->tile_count(), grid->view().maps.height, grid->view().maps.width, grid->zoom(), ms[ms.size() / 2],
      ms[ms.size() * 9 / 10], ms.back(), iterations);
  return 0;
}
