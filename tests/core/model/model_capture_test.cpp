// The engine's captures against PyTorch itself: every fixture model, traced
// and scripted, compared with the outputs Python forward hooks recorded.
#include <algorithm>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "core/model/model.h"
#include "tests/support/reference.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

constexpr double kTolerance = 1e-5;  // relative to the reference's max magnitude

std::unique_ptr<Model> load_fixture(const std::string& model, const std::string& variant) {
  auto loaded = Model::load(test::fixture_model(model, variant));
  EXPECT_TRUE(loaded.ok()) << loaded.error();
  return loaded.ok() ? std::move(loaded).value() : nullptr;
}

std::map<std::string, const LayerActivation*> by_name(const CaptureResult& result) {
  std::map<std::string, const LayerActivation*> index;
  for (const auto& activation : result.activations) index[activation.name] = &activation;
  return index;
}

const LayerInfo* find_layer(const Model& model, const std::string& name) {
  for (const auto& layer : model.layers()) {
    if (layer.name == name) return &layer;
  }
  return nullptr;
}

struct FixtureCase {
  std::string model;
  std::string variant;
};

void PrintTo(const FixtureCase& c, std::ostream* out) { *out << c.model << "_" << c.variant; }

std::string case_name(const ::testing::TestParamInfo<FixtureCase>& info) {
  return info.param.model + "_" + info.param.variant;
}

// Every fixture with module names (the frozen one has none: tested below).
const std::vector<FixtureCase> kHookedCases = {{"resnet18", "scripted"},
                                               {"resnet18", "traced"},
                                               {"vgg11_bn", "scripted"},
                                               {"vgg11_bn", "traced"},
                                               {"mobilenet_v2", "scripted"},
                                               {"mobilenet_v2", "traced"},
                                               {"twice", "scripted"},
                                               {"twice", "traced"},
                                               {"functional", "scripted"},
                                               {"functional", "traced"},
                                               {"inplace_relu", "scripted"},
                                               {"inplace_relu", "traced"},
                                               {"tuple_output", "scripted"},
                                               {"tuple_output", "traced"},
                                               {"dict_output", "scripted"},
                                               {"dict_output", "traced"},
                                               {"branching", "scripted"},
                                               {"dead_filters", "scripted"},
                                               {"dead_filters", "traced"},
                                               {"module_mutates_input", "scripted"},
                                               {"module_mutates_input", "traced"},
                                               {"view_then_inplace", "scripted"},
                                               {"view_then_inplace", "traced"},
                                               {"alias_through_if", "scripted"},
                                               {"alias_through_if", "traced"},
                                               {"inplace_mul_by_double", "scripted"},
                                               {"inplace_mul_by_double", "traced"},
                                               {"input_inplace", "scripted"},
                                               {"input_inplace", "traced"},
                                               {"empty_capture", "scripted"},
                                               {"empty_capture", "traced"},
                                               {"attribute_branches", "scripted"},
                                               {"attribute_branches", "traced"},
                                               {"inplace_join", "scripted"},
                                               {"inplace_join", "traced"},
                                               {"vector_only", "scripted"},
                                               {"vector_only", "traced"},
                                               {"ends_in_relu", "scripted"},
                                               {"ends_in_relu", "traced"},
                                               {"ends_in_pool", "scripted"},
                                               {"ends_in_pool", "traced"},
                                               {"cast_sum_then_relu", "scripted"},
                                               {"cast_sum_then_relu", "traced"}};

class HookedModuleTest : public ::testing::TestWithParam<FixtureCase> {
 protected:
  void TearDown() override { set_thread_count(0); }
  void SetUp() override {
    // Python computed the references with one intra-op thread; other thread
    // counts split reductions differently (about 1e-5 relative in deep nets).
    set_thread_count(1);
    reference_ = test::load_reference(GetParam().model);
    model_ = load_fixture(GetParam().model, GetParam().variant);
    ASSERT_NE(model_, nullptr);
    auto captured = model_->capture(test::to_array(reference_.input));
    ASSERT_TRUE(captured.ok()) << captured.error();
    result_ = std::move(captured).value();
  }
  test::Reference reference_;
  std::unique_ptr<Model> model_;
  CaptureResult result_;
};

TEST_P(HookedModuleTest, EveryHookedModuleOutputEqualsPyTorch) {
  const auto captured = by_name(result_);
  for (const auto& name : reference_.names) {
    const LayerInfo* layer = find_layer(*model_, name);
    ASSERT_NE(layer, nullptr) << "no layer named " << name;
    if (!layer->capturable) {
      // Only values computed inside an `if` may be missing, and calls whose
      // output tracing dropped (an unused in-place ReLU); both say so.
      const std::string& reason = layer->not_capturable_reason;
      const bool in_if = GetParam().model == "branching" && reason.find("if/loop") != std::string::npos;
      const bool dropped_by_trace =
          GetParam().variant == "traced" && reason.find("traced graph keeps no output") != std::string::npos;
      EXPECT_TRUE(in_if || dropped_by_trace) << name << ": " << reason;
      continue;
    }
    ASSERT_TRUE(captured.count(name)) << name;
    EXPECT_LE(test::relative_error(test::to_tensor(captured.at(name)->values), reference_.activation(name)),
              kTolerance)
        << name;
  }
}

TEST_P(HookedModuleTest, ModuleLayersComeInHookOrder) {
  std::vector<std::string> module_layers;
  for (const auto& layer : model_->layers()) {
    if (layer.is_module) module_layers.push_back(layer.name);
  }
  EXPECT_EQ(module_layers, reference_.names);
}

TEST_P(HookedModuleTest, LogitsEqualTheUnmodifiedModel) {
  EXPECT_LE(test::relative_error(test::to_tensor(result_.logits), reference_.output), kTolerance);
}

TEST_P(HookedModuleTest, MinAndMaxAreThoseOfTheCapturedValues) {
  for (const auto& activation : result_.activations) {
    const torch::Tensor values = test::to_tensor(activation.values);
    if (values.numel() == 0) {  // empty_capture: no values, range (0, 0)
      EXPECT_EQ(activation.min, 0.0f);
      EXPECT_EQ(activation.max, 0.0f);
      continue;
    }
    EXPECT_EQ(activation.min, values.min().item<float>()) << activation.name;
    EXPECT_EQ(activation.max, values.max().item<float>()) << activation.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HookedModuleTest, ::testing::ValuesIn(kHookedCases), case_name);

class InplaceReluTest : public ::testing::TestWithParam<FixtureCase> {};

// torchvision's ReLU(inplace=True) overwrites BatchNorm outputs; a Python
// hook without a clone reports them all positive.
TEST_P(InplaceReluTest, InplaceReluKeepsBatchNormNegative) {
  const auto reference = test::load_reference(GetParam().model);
  auto model = load_fixture(GetParam().model, GetParam().variant);
  ASSERT_NE(model, nullptr);
  auto result = model->capture(test::to_array(reference.input));
  ASSERT_TRUE(result.ok()) << result.error();
  int batch_norms = 0;
  int relus = 0;
  for (const auto& activation : result.value().activations) {
    const LayerInfo* layer = find_layer(*model, activation.name);
    if (layer->kind == "BatchNorm2d") {
      ++batch_norms;
      EXPECT_LT(activation.min, 0.0f) << activation.name;
      EXPECT_EQ(activation.min, reference.activation(activation.name).min().item<float>()) << activation.name;
    } else if (layer->kind == "ReLU" || layer->kind == "relu") {
      ++relus;
      EXPECT_GE(activation.min, 0.0f) << activation.name;
    }
  }
  EXPECT_GE(batch_norms, 2);
  EXPECT_GE(relus, 2);
}

// Each ReLU of resnet18 names the layer it reads, for the GUI's
// before/after-activation view: conv1 -> bn1 -> relu, and the block's second
// relu reads the residual add.
TEST(PreActivationTest, ReluNamesTheLayerItReads) {
  auto model = load_fixture("resnet18", "scripted");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(find_layer(*model, "relu")->pre_activation, "bn1");
  EXPECT_EQ(find_layer(*model, "layer1.0.relu")->pre_activation, "layer1.0.bn1");
  EXPECT_EQ(find_layer(*model, "layer1.0.relu#2")->pre_activation, "layer1.0:add");
  EXPECT_EQ(find_layer(*model, "layer1.0.conv1")->pre_activation, "");
  EXPECT_EQ(find_layer(*model, "bn1")->pre_activation, "");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InplaceReluTest,
                         ::testing::Values(FixtureCase{"resnet18", "scripted"},
                                           FixtureCase{"resnet18", "traced"},
                                           FixtureCase{"inplace_relu", "scripted"},
                                           FixtureCase{"inplace_relu", "traced"}),
                         case_name);

class FunctionalOpTest : public ::testing::TestWithParam<std::string> {};

// Hooks cannot see F.relu, `x + y` or torch.cat; the engine names and captures them.
TEST_P(FunctionalOpTest, FunctionalOpsEqualEagerPyTorch) {
  const auto reference = test::load_reference("functional");
  auto model = load_fixture("functional", GetParam());
  ASSERT_NE(model, nullptr);
  auto result = model->capture(test::to_array(reference.input));
  ASSERT_TRUE(result.ok()) << result.error();
  const auto captured = by_name(result.value());
  ASSERT_GE(reference.ops.size(), 5u);
  for (const auto& [name, expected] : reference.ops) {
    ASSERT_TRUE(captured.count(name)) << "functional op " << name << " was not captured";
    EXPECT_LE(test::relative_error(test::to_tensor(captured.at(name)->values), expected), kTolerance) << name;
  }
  EXPECT_EQ(find_layer(*model, ":relu")->kind, "relu");
  EXPECT_EQ(find_layer(*model, "block:add")->parent, "block");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FunctionalOpTest, ::testing::Values("scripted", "traced"));

// The engine shares the caller's input memory; a model that modifies its
// input in place must not change it (or the next capture's result).
TEST(ActivationCaptureTest, InplaceInputLeavesTheCallersArrayAlone) {
  const auto reference = test::load_reference("input_inplace");
  auto model = load_fixture("input_inplace", "scripted");
  ASSERT_NE(model, nullptr);
  const FloatArray input = test::to_array(reference.input);
  const torch::Tensor before = test::to_tensor(input);
  auto first = model->capture(input);
  auto second = model->capture(input);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(torch::equal(test::to_tensor(input), before));
  EXPECT_TRUE(torch::equal(test::to_tensor(first.value().logits), test::to_tensor(second.value().logits)));
}

// The interpreter throws std::runtime_error, not c10::Error; it once
// escaped core and aborted the CLI on a wrong input size.
TEST(ActivationCaptureTest, InterpreterErrorsBecomeMessagesNotCrashes) {
  auto model = load_fixture("resnet18", "scripted");
  ASSERT_NE(model, nullptr);
  CardOverrides wrong;
  wrong.channels = 1;
  wrong.input_size = "8x8";
  auto card = apply_card_overrides(model->card(), wrong, 3);
  ASSERT_TRUE(card.ok()) << card.error();
  model->set_card(card.value());
  EXPECT_NE(model->layers_notice().find("expected input[1, 1, 8, 8] to have 3 channels"), std::string::npos)
      << model->layers_notice();
  EXPECT_TRUE(model->layers().front().shape.empty());
  auto result = model->capture(FloatArray({1, 1, 8, 8}, std::vector<float>(64, 0.0f)));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("to have 3 channels"), std::string::npos) << result.error();
  // A corrected card clears the notice and brings the shapes back.
  wrong.channels = 3;
  wrong.input_size = "64x64";
  card = apply_card_overrides(model->card(), wrong, 3);  // one mean/std value now stands for 3 channels
  ASSERT_TRUE(card.ok()) << card.error();
  model->set_card(card.value());
  EXPECT_TRUE(model->layers_notice().empty()) << model->layers_notice();
  EXPECT_EQ(model->layers().front().shape, (std::vector<int64_t>{1, 64, 32, 32}));
}

TEST(ActivationCaptureTest, FrozenModelSaysModuleNamesAreGoneAndOffersOps) {
  const auto reference = test::load_reference("frozen");
  auto model = load_fixture("frozen", "scripted");
  ASSERT_NE(model, nullptr);
  EXPECT_NE(model->layers_notice().find("module names are gone"), std::string::npos)
      << model->layers_notice();
  ASSERT_FALSE(model->layers().empty());
  for (const auto& layer : model->layers()) {
    EXPECT_FALSE(layer.is_module);
    EXPECT_TRUE(layer.capturable) << layer.name;
  }
  auto result = model->capture(test::to_array(reference.input));
  ASSERT_TRUE(result.ok()) << result.error();
  const auto captured = by_name(result.value());
  ASSERT_TRUE(captured.count(":relu"));
  EXPECT_GE(captured.at(":relu")->min, 0.0f);
  // The last op is the classifier: its output is the model's logits.
  EXPECT_LE(test::relative_error(test::to_tensor(result.value().activations.back().values), reference.output),
            kTolerance);
}

TEST(ActivationCaptureTest, IfBodyValuesAreReportedNotCapturable) {
  auto model = load_fixture("branching", "scripted");
  ASSERT_NE(model, nullptr);
  const LayerInfo* extra = find_layer(*model, "extra");
  ASSERT_NE(extra, nullptr);
  EXPECT_FALSE(extra->capturable);
  CaptureOptions options;
  options.layers = {"extra"};
  const auto reference = test::load_reference("branching");
  auto refused = model->capture(test::to_array(reference.input), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("'extra' cannot be captured"), std::string::npos) << refused.error();
}

TEST(ActivationCaptureTest, OnlyRequestedLayersAreReturned) {
  const auto reference = test::load_reference("resnet18");
  auto model = load_fixture("resnet18", "scripted");
  ASSERT_NE(model, nullptr);
  CaptureOptions options;
  options.layers = {"layer2.0:add", "bn1"};
  auto result = model->capture(test::to_array(reference.input), options);
  ASSERT_TRUE(result.ok()) << result.error();
  ASSERT_EQ(result.value().activations.size(), 2u);
  EXPECT_EQ(result.value().activations[0].name, "layer2.0:add");
  EXPECT_EQ(result.value().activations[1].name, "bn1");
  options.layers = {"layer9"};
  auto unknown = model->capture(test::to_array(reference.input), options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("unknown layer 'layer9'"), std::string::npos);
}

// The filter atlas's map summaries, computed inside the capture right after
// each op (fused batch norms, ReLUs, pools and sums included), equal the
// summaries of the captured maps, for every [N, C, H, W] layer; ReLU6
// layers count their saturated positions.
TEST(ActivationCaptureTest, MapSummariesDuringTheRunEqualThoseOfTheCapturedMaps) {
  for (const std::string name : {"resnet18", "mobilenet_v2"}) {
    SCOPED_TRACE(name);
    const auto reference = test::load_reference(name);
    auto model = load_fixture(name, "scripted");
    ASSERT_NE(model, nullptr);
    CaptureOptions options;
    options.map_summaries = true;
    auto result = model->capture(test::to_array(reference.input), options);
    ASSERT_TRUE(result.ok()) << result.error();
    int summarized = 0, bounded = 0;
    for (const LayerActivation& activation : result.value().activations) {
      const auto& shape = activation.values.shape();
      if (shape.size() != 4) {
        EXPECT_TRUE(activation.summaries.empty()) << activation.name;
        continue;
      }
      ASSERT_EQ(activation.summaries.size(), static_cast<size_t>(shape[0] * shape[1])) << activation.name;
      const auto bounds = bounded_range(find_layer(*model, activation.name)->kind);
      bounded += bounds.has_value();
      const int64_t positions = shape[2] * shape[3];
      for (size_t map = 0; map < activation.summaries.size(); ++map) {
        const MapSummary expected =
            summarize_map(activation.values.data() + map * positions, positions, bounds ? &*bounds : nullptr);
        const MapSummary& got = activation.summaries[map];
        ASSERT_EQ(got.maximum, expected.maximum) << activation.name << " map " << map;
        ASSERT_EQ(got.positive, expected.positive) << activation.name << " map " << map;
        ASSERT_EQ(got.total, expected.total) << activation.name << " map " << map;
        ASSERT_EQ(got.saturated, expected.saturated) << activation.name << " map " << map;
      }
      ++summarized;
    }
    EXPECT_GT(summarized, 10);
    if (name == "mobilenet_v2") {
      EXPECT_GT(bounded, 10);
    }
    // Without the option nothing is summarized.
    auto plain = model->capture(test::to_array(reference.input));
    ASSERT_TRUE(plain.ok());
    for (const LayerActivation& activation : plain.value().activations) EXPECT_TRUE(activation.summaries.empty());
  }
}

TEST(ActivationCaptureTest, ConvWeightsAreTheModulesWeights) {
  auto model = load_fixture("resnet18", "traced");
  ASSERT_NE(model, nullptr);
  auto weights = model->conv_weights("layer1.0.conv1");
  ASSERT_TRUE(weights.ok()) << weights.error();
  auto module = torch::jit::load(test::fixture_model("resnet18", "traced"));
  const auto expected =
      module.attr("layer1").toModule().attr("0").toModule().attr("conv1").toModule().attr("weight");
  EXPECT_TRUE(torch::equal(test::to_tensor(weights.value()), expected.toTensor()));
  EXPECT_FALSE(model->conv_weights("bn1").ok());
  EXPECT_EQ(model->inferred_channels(), 3);
}

TEST(ActivationCaptureTest, CaptureFromAWorkerThreadEqualsTheCallingThread) {
  set_thread_count(2);
  EXPECT_EQ(thread_count(), 2);
  const auto reference = test::load_reference("mobilenet_v2");
  auto model = load_fixture("mobilenet_v2", "scripted");
  ASSERT_NE(model, nullptr);
  const FloatArray input = test::to_array(reference.input);
  auto here = model->capture(input);
  Result<CaptureResult> there = Error{"not run"};
  std::thread worker([&] { there = model->capture(input); });
  worker.join();
  ASSERT_TRUE(here.ok() && there.ok());
  ASSERT_EQ(here.value().activations.size(), there.value().activations.size());
  for (size_t i = 0; i < here.value().activations.size(); ++i) {
    EXPECT_TRUE(torch::equal(test::to_tensor(here.value().activations[i].values),
                             test::to_tensor(there.value().activations[i].values)));
  }
  set_thread_count(0);
}

}  // namespace
}  // namespace actscope
