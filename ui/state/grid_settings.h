// GridSettings: how the user asked grids to be drawn (the controls above the
// activation grid), and the engine's options built from them, written once
// for the grids on screen and the exports.
#pragma once

#include <QString>

#include "core/export/layer_export.h"
#include "core/maps/layer_view.h"

namespace actscope {

struct GridSettings {
  QString normalization = QStringLiteral("filter");
  QString colormap = QStringLiteral("viridis");
  bool sort_by_mean = false;
  bool sort_by_dataset = false;    // dataset-dead, then rarely active filters first (with a filter atlas)
  int top_k = 0;                   // 0: every filter
  bool before_activation = false;  // show the values before the activation beside the grid

  // For the grids on screen: 0 filters means every filter.
  ViewOptions view_options() const;
  // For "Export All Layers": 0 filters keeps the exports' default cap.
  ExportOptions export_options() const;
  // The colormap, viridis when the name is unknown.
  Colormap colormap_or_default() const;
};

}  // namespace actscope
