#include "app/gui/startup_options.h"

#include <iostream>

#include <QApplication>
#include <QCommandLineParser>

#include "core/base/version.h"
#include "core/model/image_input.h"

namespace actscope {
namespace {

QStringList bundled_samples() {
  QStringList paths;
  for (const auto& path : image_files_in(bundled_samples_dir())) paths << QString::fromStdString(path);
  return paths;
}

// Parses the command line; exits on --help, --version or an unknown option.
void process(QCommandLineParser& parser, const QApplication& app) {
  parser.setApplicationDescription(QStringLiteral("See what every filter of a convolutional network sees."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("model"),
                               QStringLiteral("TorchScript model (.pt); default: the bundled model"),
                               QStringLiteral("[MODEL"));
  parser.addPositionalArgument(QStringLiteral("images"), QStringLiteral("images to open"),
                               QStringLiteral("[IMAGES...]]"));
  parser.addOption({QStringLiteral("layer"), QStringLiteral("Layer to show first"), QStringLiteral("name")});
  parser.addOption(
      {QStringLiteral("dataset"),
       QStringLiteral("Dataset to predict once the model is open: a folder of class folders or an IDX set"),
       QStringLiteral("path")});
  parser.addOption(
      {QStringLiteral("compare"),
       QStringLiteral(
           "With --dataset: compare dataset image N with its nearest correctly classified partner"),
       QStringLiteral("N")});
  parser.addOption({QStringLiteral("embed"),
                    QStringLiteral("With --dataset: lay it out in the Embedding view (t-SNE of the penultimate layer)")});
  parser.addOption({QStringLiteral("atlas"),
                    QStringLiteral("Filter atlas (atlas.json from actscope-cli scan or merge) to show in the Filters tab"),
                    QStringLiteral("file")});
  parser.addOption({QStringLiteral("visualize"),
                    QStringLiteral("Optimize an image for every filter of the first layer shown (--layer): the "
                                   "Filters view's Visualization grid")});
  parser.addOption({QStringLiteral("second-model"),
                    QStringLiteral("A second TorchScript model (B) whose layers the Models view compares with the "
                                   "model's (CKA over the dataset)"),
                    QStringLiteral("path")});
  parser.addOption({QStringLiteral("training-run"),
                    QStringLiteral("A folder of TorchScript checkpoints of one model to follow in the Timeline view "
                                   "(accuracy, dead filters, CKA to the last) over the dataset"),
                    QStringLiteral("dir")});
  parser.addOption({QStringLiteral("labels"),
                    QStringLiteral("Class names, one per line in logit order (e.g. labels/imagenet_classes.txt of the "
                                   "bundled files), instead of the card's"),
                    QStringLiteral("file")});
  parser.addOption({QStringLiteral("resize"),
                    QStringLiteral("The shorter side of each image to S pixels, then the centre crop (torchvision's "
                                   "Resize(S) + CenterCrop)"),
                    QStringLiteral("S")});
  parser.addOption({QStringLiteral("crop"),
                    QStringLiteral("The model's input size HxW (the centre crop after --resize; the CLI's --input-size)"),
                    QStringLiteral("HxW")});
  parser.process(app);
}

}  // namespace

std::variant<StartupOptions, int> parse_startup_options(const QApplication& app) {
  QCommandLineParser parser;
  process(parser, app);
  StartupOptions options;
  QStringList arguments = parser.positionalArguments();
  options.model = QString::fromStdString(bundled_model_path());
  options.images = bundled_samples();
  if (!arguments.isEmpty()) {
    options.model = arguments.takeFirst();
    options.images = arguments;
  }
  options.layer = parser.value(QStringLiteral("layer"));
  if (parser.isSet(QStringLiteral("dataset"))) options.dataset = parser.value(QStringLiteral("dataset"));
  if (parser.isSet(QStringLiteral("atlas"))) options.atlas = parser.value(QStringLiteral("atlas"));
  if (parser.isSet(QStringLiteral("second-model"))) {
    options.second_model = parser.value(QStringLiteral("second-model"));
  }
  if (parser.isSet(QStringLiteral("training-run"))) {
    options.training_run = parser.value(QStringLiteral("training-run"));
  }
  options.embed = parser.isSet(QStringLiteral("embed"));
  options.visualize = parser.isSet(QStringLiteral("visualize"));
  if (options.embed && !options.dataset) {
    std::cerr << "actscope: --embed needs --dataset\n";
    return 2;
  }
  options.card.labels_file = parser.value(QStringLiteral("labels")).toStdString();
  options.card.input_size = parser.value(QStringLiteral("crop")).toStdString();
  if (parser.isSet(QStringLiteral("resize"))) {
    bool number = false;
    options.card.resize = parser.value(QStringLiteral("resize")).toInt(&number);
    if (!number || options.card.resize <= 0) {
      std::cerr << "actscope: --resize takes a number of pixels (the shorter side)\n";
      return 2;
    }
  }
  if (!parser.isSet(QStringLiteral("compare"))) return options;
  if (!options.dataset) {
    std::cerr << "actscope: --compare needs --dataset\n";
    return 2;
  }
  bool number = false;
  options.compare = parser.value(QStringLiteral("compare")).toInt(&number);
  if (!number || options.compare < 0) {
    std::cerr << "actscope: --compare takes an image number of the dataset\n";
    return 2;
  }
  return options;
}

}  // namespace actscope
