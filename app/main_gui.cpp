// actscope: the desktop program. `actscope [--layer L] [--dataset PATH
// [--compare N]] [MODEL [IMAGES...]]`; without arguments it opens the bundled
// model and sample images.
#include <cstring>
#include <iostream>
#include <memory>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include "core/model/image_input.h"
#include "core/base/version.h"
#include "ui/shell/main_window.h"

namespace {

QStringList bundled_samples() {
  QStringList paths;
  for (const auto& path : actscope::image_files_in(actscope::bundled_samples_dir())) {
    paths << QString::fromStdString(path);
  }
  return paths;
}

}  // namespace

int main(int argc, char** argv) {
  // Answer --version without a display, as command-line users expect.
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::cout << "actscope " << actscope::version() << "\n";
      return 0;
    }
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("actscope"));
  QApplication::setOrganizationName(QStringLiteral("actscope"));
  QApplication::setApplicationVersion(QString::fromStdString(actscope::version()));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("See what every filter of a convolutional network sees."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("model"),
                               QStringLiteral("TorchScript model (.pt); default: the bundled model"),
                               QStringLiteral("[MODEL"));
  parser.addPositionalArgument(QStringLiteral("images"), QStringLiteral("images to open"),
                               QStringLiteral("[IMAGES...]]"));
  const QCommandLineOption layer_option(QStringLiteral("layer"), QStringLiteral("Layer to show first"),
                                        QStringLiteral("name"));
  parser.addOption(layer_option);
  const QCommandLineOption dataset_option(
      QStringLiteral("dataset"),
      QStringLiteral("Dataset to predict once the model is open: a folder of class folders or an IDX set"),
      QStringLiteral("path"));
  parser.addOption(dataset_option);
  const QCommandLineOption compare_option(
      QStringLiteral("compare"),
      QStringLiteral("With --dataset: compare dataset image N with its nearest correctly classified partner"),
      QStringLiteral("N"));
  parser.addOption(compare_option);
  parser.process(app);

  QStringList arguments = parser.positionalArguments();
  QString model = QString::fromStdString(actscope::bundled_model_path());
  QStringList images = bundled_samples();
  if (!arguments.isEmpty()) {
    model = arguments.takeFirst();
    images = arguments;
  }
  actscope::MainWindow window;
  window.set_preferred_layer(parser.value(layer_option));
  window.show();
  if (parser.isSet(dataset_option)) {
    // Once, when the model is open (its labels name the dataset's classes).
    auto opened = std::make_shared<QMetaObject::Connection>();
    *opened = QObject::connect(&window, &actscope::MainWindow::sessionShown, &window, [&, opened] {
      QObject::disconnect(*opened);
      window.load_dataset(parser.value(dataset_option));
    });
  }
  if (parser.isSet(compare_option) && !parser.isSet(dataset_option)) {
    std::cerr << "actscope: --compare needs --dataset\n";
    return 2;
  }
  if (parser.isSet(compare_option)) {
    bool number = false;
    const int index = parser.value(compare_option).toInt(&number);
    if (!number || index < 0) {
      std::cerr << "actscope: --compare takes an image number of the dataset\n";
      return 2;
    }
    auto predicted = std::make_shared<QMetaObject::Connection>();
    *predicted = QObject::connect(&window, &actscope::MainWindow::datasetShown, &window,
                                  [&window, predicted, index](const QString& error) {
                                    QObject::disconnect(*predicted);
                                    if (error.isEmpty()) window.compare_dataset_image(index);
                                  });
  }
  window.open(model, images);
  return QApplication::exec();
}
