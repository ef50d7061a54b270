// Class activation maps against the formulas implemented in Python with
// forward hooks and torch.autograd.grad on the eager models
// (tests/fixtures/make_cam_references.py), for every method, traced and
// scripted models, and the bundled model.
#include <map>

#include <gtest/gtest.h>

#include "core/explain/cam.h"
#include "core/model/model.h"
#include "tests/support/reference.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

constexpr double kMapTolerance = 1e-4;  // absolute, on maps normalized to [0, 1]
constexpr double kRawTolerance = 1e-4;  // relative to the raw map's max magnitude

// One file of make_cam_references.py: keys "<layer>|<method>".
struct CamReference {
  torch::Tensor input;
  std::vector<int> classes;
  std::map<std::string, torch::Tensor> maps;
  std::map<std::string, torch::Tensor> raw;
  std::map<std::string, torch::Tensor> multi;
};

CamReference load_cam_reference(const std::string& name) {
  const std::string bytes = test::read_file(test::fixture_dir() / "cam" / (name + "_cam_ref.pt"));
  auto dict = torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  CamReference reference;
  reference.input = dict.at("input").toTensor();
  for (const auto& value : dict.at("classes").toList()) reference.classes.push_back(value.get().toInt());
  auto read = [&](const char* key, std::map<std::string, torch::Tensor>& into) {
    for (const auto& entry : dict.at(key).toGenericDict())
      into[entry.key().toStringRef()] = entry.value().toTensor();
  };
  read("maps", reference.maps);
  read("raw", reference.raw);
  read("multi", reference.multi);
  return reference;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto bar = key.find('|');
  return {key.substr(0, bar), key.substr(bar + 1)};
}

double max_abs_difference(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes()) return std::numeric_limits<double>::infinity();
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

struct CamCase {
  std::string reference;  // cam/<reference>_cam_ref.pt
  std::string model_path;
  std::string label;
  CamMethod method;
};

void PrintTo(const CamCase& c, std::ostream* out) { *out << c.label << " " << to_string(c.method); }

std::string case_name(const ::testing::TestParamInfo<CamCase>& info) {
  std::string method = to_string(info.param.method);
  for (char& c : method) {
    if (c == '+') c = 'p';
  }
  return info.param.label + "_" + method;
}

std::vector<CamCase> all_cases() {
  std::vector<CamCase> cases;
  for (CamMethod method : all_cam_methods()) {
    for (const char* variant : {"scripted", "traced"}) {
      cases.push_back(
          {"resnet18", test::fixture_model("resnet18", variant), std::string("resnet18_") + variant, method});
      cases.push_back({"mobilenet_v2", test::fixture_model("mobilenet_v2", variant),
                       std::string("mobilenet_v2_") + variant, method});
    }
    cases.push_back({"fashion_cnn", test::bundled_model().string(), "fashion_cnn", method});
  }
  return cases;
}

class CamMethodTest : public ::testing::TestWithParam<CamCase> {
 protected:
  void SetUp() override {
    set_thread_count(1);  // the references were computed at one thread
    auto loaded = Model::load(GetParam().model_path);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    model_ = std::move(loaded).value();
    reference_ = load_cam_reference(GetParam().reference);
    input_ = test::to_array(reference_.input);
  }

  std::unique_ptr<Model> model_;
  CamReference reference_;
  FloatArray input_;
};

TEST_P(CamMethodTest, MapsEqualThePythonReference) {
  const std::string method = to_string(GetParam().method);
  int compared = 0;
  for (const auto& [key, expected] : reference_.maps) {
    const auto [layer, key_method] = split_key(key);
    if (key_method != method) continue;
    CamOptions options;
    options.method = GetParam().method;
    options.layers = {layer};
    auto result = compute_cam(*model_, input_, options);
    ASSERT_TRUE(result.ok()) << key << ": " << result.error();
    EXPECT_EQ(result.value().classes, reference_.classes) << key;
    const torch::Tensor map = test::to_tensor(result.value().map);
    EXPECT_LE(max_abs_difference(map, expected), kMapTolerance) << key;
    EXPECT_GE(map.min().item<float>(), 0.0f) << key;
    EXPECT_LE(map.max().item<float>(), 1.0f) << key;
    const torch::Tensor raw = test::to_tensor(result.value().layers.at(0).raw);
    EXPECT_LE(test::relative_error(raw, reference_.raw.at(key)), kRawTolerance) << key;
    ++compared;
  }
  EXPECT_GT(compared, 0) << "no reference for " << method;
}

INSTANTIATE_TEST_SUITE_P(References, CamMethodTest, ::testing::ValuesIn(all_cases()), case_name);

class ResnetCamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_thread_count(1);
    auto loaded = Model::load(test::fixture_model("resnet18", "scripted"));
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    model_ = std::move(loaded).value();
    reference_ = load_cam_reference("resnet18");
    input_ = test::to_array(reference_.input);
  }

  std::unique_ptr<Model> model_;
  CamReference reference_;
  FloatArray input_;
};

// layer1.0.bn1 is overwritten by an in-place ReLU: the map must use the
// BatchNorm's own (signed) output and the gradient at that point.
TEST_F(ResnetCamTest, BatchNormBeforeInplaceReluUsesPreReluValues) {
  CamOptions options;
  options.layers = {"layer1.0.bn1"};
  auto result = compute_cam(*model_, input_, options);
  ASSERT_TRUE(result.ok()) << result.error();
  const torch::Tensor raw = test::to_tensor(result.value().layers.at(0).raw);
  EXPECT_LE(test::relative_error(raw, reference_.raw.at("layer1.0.bn1|gradcam")), kRawTolerance);
  EXPECT_LE(
      max_abs_difference(test::to_tensor(result.value().map), reference_.maps.at("layer1.0.bn1|gradcam")),
      kMapTolerance);
  // The maps it weighs are the signed BatchNorm output, not the ReLU's.
  auto captured = model_->capture(input_, CaptureOptions{{"layer1.0.bn1"}});
  ASSERT_TRUE(captured.ok());
  EXPECT_LT(captured.value().activations.at(0).min, 0.0f);
}

TEST_F(ResnetCamTest, SeveralLayersInOnePassGiveTheMeanMap) {
  for (const auto& [key, expected] : reference_.multi) {
    const auto [layers, method] = split_key(key);
    CamOptions options;
    auto parsed = parse_cam_method(method);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    options.method = parsed.value();
    for (size_t start = 0; start <= layers.size();) {
      const size_t plus = std::min(layers.find('+', start), layers.size());
      options.layers.push_back(layers.substr(start, plus - start));
      start = plus + 1;
    }
    auto result = compute_cam(*model_, input_, options);
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result.value().layers.size(), options.layers.size());
    EXPECT_LE(max_abs_difference(test::to_tensor(result.value().map), expected), kMapTolerance) << key;
  }
  EXPECT_FALSE(reference_.multi.empty());
}

TEST_F(ResnetCamTest, DefaultLayerIsTheLastWithSpatialMaps) {
  // The fixture has no card: shapes are known once an input is given.
  EXPECT_FALSE(default_cam_layer(*model_).ok());
  auto result = compute_cam(*model_, input_, CamOptions{});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result.value().layers.at(0).layer, "layer4");
}

TEST_F(ResnetCamTest, LayerWithoutSpatialMapsIsRefusedNamingSuitableOnes) {
  CamOptions options;
  options.layers = {"fc"};
  auto result = compute_cam(*model_, input_, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("'fc'"), std::string::npos) << result.error();
  EXPECT_NE(result.error().find("layer4"), std::string::npos) << result.error();
}

TEST_F(ResnetCamTest, CamOfZhouNeedsThePooledLayer) {
  CamOptions options;
  options.method = CamMethod::kCam;
  options.layers = {"layer3.1"};
  auto result = compute_cam(*model_, input_, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("'layer4"), std::string::npos) << result.error();
}

TEST_F(ResnetCamTest, ChosenClassIsUsedForEveryImage) {
  CamOptions options;
  options.target_class = 3;
  auto result = compute_cam(*model_, input_, options);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result.value().classes, std::vector<int>{3});
  options.target_class = 1000;
  auto refused = compute_cam(*model_, input_, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("out of range"), std::string::npos) << refused.error();
}

TEST_F(ResnetCamTest, ScoreCamReportsProgressAndCanBeCancelled) {
  int calls = 0;
  CamOptions options;
  options.method = CamMethod::kScoreCam;
  options.layers = {"layer4"};
  options.score_batch_size = 64;
  options.progress = [&](size_t done, size_t total) {
    ++calls;
    EXPECT_EQ(total, 512u);
    EXPECT_EQ(done, 64u * calls);
    return done < 128;  // cancel after the second batch
  };
  auto result = compute_cam(*model_, input_, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), "cancelled");
  EXPECT_EQ(calls, 2);
}

TEST(CamHeadTest, ModelWithoutPoolAndLinearHeadIsRefusedWithTheReason) {
  set_thread_count(1);
  // VGG's classifier is linear-relu-dropout-linear over a 7x7 pool.
  auto model = Model::load(test::fixture_model("vgg11_bn", "traced"));
  ASSERT_TRUE(model.ok()) << model.error();
  const FloatArray input = test::to_array(torch::randn({1, 3, 64, 64}));
  CamOptions options;
  options.method = CamMethod::kCam;
  auto result = compute_cam(*model.value(), input, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("global average pooling followed by one linear layer"), std::string::npos)
      << result.error();
  // The gradient methods work on the same model.
  options.method = CamMethod::kGradCam;
  EXPECT_TRUE(compute_cam(*model.value(), input, options).ok());
}

// `head(x.mean(dim=(2, 3)))` after a module called twice: the pooled tensor
// is the second call's output, and CAM equals Grad-CAM there (both weigh the
// channels by the linear layer's row, up to a constant factor).
TEST(CamHeadTest, MeanOverSpaceCountsAsGlobalPooling) {
  set_thread_count(1);
  for (const char* variant : {"scripted", "traced"}) {
    auto model = Model::load(test::fixture_model("twice", variant));
    ASSERT_TRUE(model.ok()) << model.error();
    const FloatArray input = test::to_array(torch::randn({2, 3, 16, 16}));
    CamOptions options;
    options.method = CamMethod::kCam;
    options.layers = {"shared"};
    auto refused = compute_cam(*model.value(), input, options);
    ASSERT_FALSE(refused.ok()) << variant;
    EXPECT_NE(refused.error().find("'shared#2'"), std::string::npos) << refused.error();
    options.layers = {"shared#2"};
    auto cam = compute_cam(*model.value(), input, options);
    ASSERT_TRUE(cam.ok()) << cam.error();
    options.method = CamMethod::kGradCam;
    auto gradcam = compute_cam(*model.value(), input, options);
    ASSERT_TRUE(gradcam.ok()) << gradcam.error();
    EXPECT_LE(max_abs_difference(test::to_tensor(cam.value().map), test::to_tensor(gradcam.value().map)),
              1e-4)
        << variant;
  }
}

// Several layers in one backward: each layer's map is the one it has alone,
// also when a layer reaches the score only through an in-place write
// (`y.add_(a)`) and two branches meet.
TEST(CamMultiLayerTest, EachLayerKeepsItsOwnGradient) {
  set_thread_count(1);
  for (const char* variant : {"scripted", "traced"}) {
    auto model = Model::load(test::fixture_model("inplace_join", variant));
    ASSERT_TRUE(model.ok()) << model.error();
    const FloatArray input = test::to_array(test::load_reference("inplace_join").input);
    CamOptions options;
    options.layers = {"a", "c", "b"};
    auto together = compute_cam(*model.value(), input, options);
    ASSERT_TRUE(together.ok()) << together.error();
    for (size_t i = 0; i < options.layers.size(); ++i) {
      CamOptions single;
      single.layers = {options.layers[i]};
      auto alone = compute_cam(*model.value(), input, single);
      ASSERT_TRUE(alone.ok()) << alone.error();
      EXPECT_LE(test::relative_error(test::to_tensor(together.value().layers[i].raw),
                                     test::to_tensor(alone.value().layers[0].raw)),
                1e-6)
          << variant << " " << options.layers[i];
    }
  }
}

TEST(CamHeadTest, BundledModelDefaultsToItsLastConvBlock) {
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model.ok()) << model.error();
  auto layer = default_cam_layer(*model.value());
  ASSERT_TRUE(layer.ok()) << layer.error();
  EXPECT_EQ(layer.value(), "relu5");
}

}  // namespace
}  // namespace actscope
