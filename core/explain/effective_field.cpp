// effective_field: the gradient of one unit with respect to the input, on
// the capture graph's gradient path with the input itself as the leaf.
#include "core/explain/effective_field.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/script.h>

#include "core/model/layer_query.h"
#include "core/model/model_impl.h"
#include "core/model/receptive_fields.h"
#include "core/model/torch_bridge.h"

namespace actscope {
namespace {

// The unit's position and filter against the layer's output [1, C, h, w].
Status check_unit(const UnitRequest& unit, const torch::Tensor& output) {
  if (output.dim() != 4) {
    return Error{"layer '" + unit.layer + "' has output " + shape_string(output.sizes().vec()) +
                 ", not maps [N, C, h, w]"};
  }
  const int64_t h = output.size(2);
  const int64_t w = output.size(3);
  if (unit.y < 0 || unit.y >= h || unit.x < 0 || unit.x >= w) {
    return Error{"unit " + std::to_string(unit.y) + "," + std::to_string(unit.x) + " is outside layer '" +
                 unit.layer + "', whose maps are " + std::to_string(h) + "x" + std::to_string(w) +
                 " (rows 0.." + std::to_string(h - 1) + ", columns 0.." + std::to_string(w - 1) + ")"};
  }
  if (unit.filter >= output.size(1)) {
    return Error{"filter " + std::to_string(unit.filter) + " is outside layer '" + unit.layer + "', which has " +
                 std::to_string(output.size(1)) + " filters"};
  }
  return Done{};
}

}  // namespace

Result<EffectiveField> effective_field(const Model& model, const InputImage& image, const UnitRequest& unit) {
  if (on_gui_thread()) return gui_thread_refusal(model.path());
  const Model::Impl& impl = model.internals();
  if (!impl.capture_graph) return Error{model.path() + ": " + impl.analysis_notice};
  auto index = capturable_layer_index(model, unit.layer);
  if (!index) return Error{index.error()};
  auto batch = impl.batch_of({image});
  if (!batch) return Error{batch.error()};
  const int capture = impl.capture_graph->points().at(index.value()).output_index;

  EffectiveField result;
  try {
    c10::InferenceMode not_inference(false);
    const torch::Tensor input = view_as_tensor(batch.value()).clone().requires_grad_(true);
    auto output = impl.capture_graph->run_with_leaves(impl.module, input, {capture});
    const torch::Tensor& maps = output.leaves.at(0);
    if (auto checked = check_unit(unit, maps); !checked) return Error{checked.error()};
    torch::Tensor at_unit = maps.select(0, 0).select(1, unit.y).select(1, unit.x);  // [C]
    const torch::Tensor value = unit.filter >= 0 ? at_unit[unit.filter] : at_unit.sum();
    if (!value.requires_grad()) {
      return Error{"layer '" + unit.layer + "' does not depend on the input: it has no effective field"};
    }
    const auto gradients = torch::autograd::grad({value}, {input}, {}, /*retain_graph=*/false,
                                                 /*create_graph=*/false, /*allow_unused=*/true);
    torch::NoGradGuard no_grad;
    result.unit_value = value.item<double>();
    torch::Tensor mass = gradients[0].defined() ? gradients[0].abs().sum(1).squeeze(0).to(torch::kFloat64)
                                                : torch::zeros({input.size(2), input.size(3)}, torch::kFloat64);
    result.raw_max = mass.max().item<double>();
    const double total = mass.sum().item<double>();
    result.map = to_float_array((result.raw_max > 0 ? mass / result.raw_max : mass).to(torch::kFloat32).contiguous());

    result.theoretical = receptive_fields(model).at(index.value());
    if (result.theoretical.kind == ReceptiveField::Kind::kSpatial) {
      result.rows = unit_span(result.theoretical.rows, unit.y, input.size(2));
      result.cols = unit_span(result.theoretical.cols, unit.x, input.size(3));
      if (total > 0 && result.rows.last >= result.rows.first && result.cols.last >= result.cols.first) {
        const double inside = mass.slice(0, result.rows.first, result.rows.last + 1)
                                  .slice(1, result.cols.first, result.cols.last + 1)
                                  .sum()
                                  .item<double>();
        result.share_inside = inside / total;
      }
    }
  } catch (const std::exception& e) {
    return Error{model.path() + ": the effective field could not be computed (" + first_line(e.what()) + ")"};
  }
  return result;
}

}  // namespace actscope
