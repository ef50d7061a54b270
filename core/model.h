// A TorchScript model loaded for inspection, with its model card.
//
// This header is torch-free so that UI code and most tests compile fast; the
// torch::jit::Module lives behind the pimpl.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/image_input.h"
#include "core/model_card.h"
#include "core/result.h"

namespace actscope {

// Where a model's card came from.
enum class CardSource { kNone, kEmbedded, kSidecar, kUser };

// One class of a prediction.
struct ClassScore {
  int class_index = 0;
  float probability = 0.0f;  // softmax of the logits
};

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Loads a TorchScript archive saved by torch.jit.save (scripted or traced)
  // and its card: the embedded "actscope.json" extra file, else a sidecar
  // (see sidecar_card_paths). Errors say what is wrong with the file: missing,
  // not a TorchScript archive, truncated, no forward(), a forward() that does
  // not take exactly one tensor, or an invalid card.
  static Result<std::unique_ptr<Model>> load(const std::string& path);

  const std::string& path() const;
  // The card; all-zero sizes when card_source() == kNone.
  const ModelCard& card() const;
  CardSource card_source() const;
  // Supplies the card for a model that has none (the user typed it in).
  void set_card(ModelCard card);

  // Runs the images through the model, `batch_size` at a time, and returns
  // the logits of each image. Requires a card and images made for it.
  // One call at a time per Model; any thread.
  Result<std::vector<std::vector<float>>> logits(const std::vector<InputImage>& images,
                                                 int batch_size = 64) const;

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The `k` most probable classes of `logits`, most probable first.
std::vector<ClassScore> top_classes(const std::vector<float>& logits, int k);

}  // namespace actscope
