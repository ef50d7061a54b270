// The theoretical receptive field of every layer of a model, computed from
// its own forward graph (core/capture/field_walk.h). Torch-free header.
#pragma once

#include <vector>

#include "core/capture/receptive_field.h"
#include "core/model/model.h"

namespace actscope {

// One field per entry of model.layers(), in that order, for the card's input
// size. Layers that cannot be captured, models without a card and graphs the
// walk cannot follow give kUnknown fields whose reason says why. Runs the
// model once on a zero image; one call at a time per Model.
std::vector<ReceptiveField> receptive_fields(const Model& model);

// "11x11 px, stride 4" / "whole image" / "unknown: <reason>": for listings
// and tooltips.
std::string describe_field(const ReceptiveField& field);

}  // namespace actscope
