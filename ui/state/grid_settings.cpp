#include "ui/state/grid_settings.h"

#include <limits>

namespace actscope {

ViewOptions GridSettings::view_options() const {
  ViewOptions options;
  auto parsed = parse_normalization(normalization.toStdString());
  options.normalization = parsed ? parsed.value() : Normalization::kFilter;
  if (auto map = parse_colormap(colormap.toStdString())) options.colormap = map.value();
  options.sort_by_mean = sort_by_mean;
  // "all" shows every filter (the exports' default caps wide layers at 256).
  options.top_k = top_k > 0 ? top_k : std::numeric_limits<int>::max();
  return options;
}

ExportOptions GridSettings::export_options() const {
  ExportOptions options;
  options.view = view_options();
  options.view.top_k = top_k;  // 0: the exports' default cap
  return options;
}

Colormap GridSettings::colormap_or_default() const {
  auto map = parse_colormap(colormap.toStdString());
  return map ? map.value() : Colormap::kViridis;
}

}  // namespace actscope
