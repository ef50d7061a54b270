// actscope: the desktop program. Parses its command line (startup_options.h),
// shows the main window and opens the model and images, then the dataset,
// the comparison, model B and the training run asked for, each once what it
// needs is shown.
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>

#include <QApplication>
#include <QFile>
#include <QIcon>

#include "app/gui/startup_options.h"
#include "core/base/version.h"
#include "ui/controllers/activations_controller.h"
#include "ui/controllers/visualize_controller.h"
#include "ui/shell/main_window.h"
#include "core/base/gui_thread.h"

namespace {

// True when the arguments ask for the version, answered without a display,
// as command-line users expect.
bool asks_for_version(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) return true;
  }
  return false;
}

// Calls `action` on the first emission of `signal` only.
template <typename Signal, typename Action>
void once(actscope::MainWindow& window, Signal signal, Action action) {
  auto connection = std::make_shared<QMetaObject::Connection>();
  *connection = QObject::connect(&window, signal, &window, [connection, action](auto&&... arguments) {
    QObject::disconnect(*connection);
    action(arguments...);
  });
}

// Loads the dataset once the model is open (its labels name the dataset's
// classes), and compares the image asked for once the dataset is predicted.
void follow_up(actscope::MainWindow& window, const actscope::StartupOptions& options) {
  if (options.dataset) {
    const QString dataset = *options.dataset;
    once(window, &actscope::MainWindow::sessionShown,
         [&window, dataset](const QStringList&) { window.load_dataset(dataset); });
  }
  if (options.embed) {
    const QString dataset = *options.dataset;
    once(window, &actscope::MainWindow::datasetShown, [&window, dataset](const QString& error) {
      if (error.isEmpty()) window.embed_dataset(dataset);
    });
  }
  if (options.atlas) {
    const QString atlas = *options.atlas;
    once(window, &actscope::MainWindow::sessionShown,
         [&window, atlas](const QStringList&) { window.open_atlas(atlas); });
  }
  if (options.visualize) {  // once the first layer is drawn: it is then the browsed layer
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = QObject::connect(&window.activations(), &actscope::ActivationsController::captureShown, &window,
                                   [connection, &window] {
                                     QObject::disconnect(*connection);
                                     window.visualize().visualize_layer();
                                   });
  }
  if (options.second_model) {
    const QString second = *options.second_model;
    once(window, &actscope::MainWindow::sessionShown,
         [&window, second](const QStringList&) { window.open_second_model(second); });
  }
  if (options.training_run) {
    // Over the dataset once it is predicted (it is then the open dataset), else once the model is open.
    const QString run = *options.training_run;
    if (options.dataset) {
      once(window, &actscope::MainWindow::datasetShown,
           [&window, run](const QString&) { window.open_training_run(run); });
    } else {
      once(window, &actscope::MainWindow::sessionShown,
           [&window, run](const QStringList&) { window.open_training_run(run); });
    }
  }
  if (options.compare >= 0) {
    const int index = options.compare;
    once(window, &actscope::MainWindow::datasetShown, [&window, index](const QString& error) {
      if (error.isEmpty()) window.compare_dataset_image(index);
    });
  }
}

// The program's icon: the installed theme icon, else the PNG beside the
// bundled resources (the build tree, or an installed copy without a theme).
QIcon program_icon() {
  QIcon icon = QIcon::fromTheme(QStringLiteral("org.actscope.actscope"));
  if (!icon.isNull()) return icon;
  const QString resources = QString::fromStdString(actscope::resource_dir());
  for (const QString& path : {resources + QStringLiteral("/icons/actscope-256.png"),
                              resources + QStringLiteral("/../icons/hicolor/256x256/apps/org.actscope.actscope.png")}) {
    if (QFile::exists(path)) return QIcon(path);
  }
  return icon;
}

}  // namespace

int main(int argc, char** argv) {
  // Under a file-size limit (ulimit -f) an export then fails (EFBIG) and is
  // reported, instead of the kernel killing the program mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  if (asks_for_version(argc, argv)) {
    std::cout << "actscope " << actscope::version() << "\n";
    return 0;
  }
  QApplication app(argc, argv);
  // This thread only draws: file writes and model runs refuse to work here.
  actscope::mark_gui_thread();
  QApplication::setApplicationName(QStringLiteral("actscope"));
  QApplication::setOrganizationName(QStringLiteral("actscope"));
  QApplication::setApplicationVersion(QString::fromStdString(actscope::version()));
  QApplication::setDesktopFileName(QStringLiteral("org.actscope.actscope"));
  QApplication::setWindowIcon(program_icon());
  auto parsed = actscope::parse_startup_options(app);
  if (const int* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<actscope::StartupOptions>(parsed);
  actscope::MainWindow window;
  window.set_preferred_layer(options.layer);
  window.set_card_overrides(options.card);
  window.show();
  follow_up(window, options);
  window.open(options.model, options.images);
  return QApplication::exec();
}
