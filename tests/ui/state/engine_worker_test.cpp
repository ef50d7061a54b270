// The worker on its own: results come back on the GUI thread unless stale,
// exceptions become messages, cancel tokens stop long jobs.
#include "ui/state/engine_worker.h"

#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <QObject>
#include <QSignalSpy>
#include <QThread>

namespace actscope {
namespace {

// Receives results in the test (the GUI) thread and signals them.
class Receiver : public QObject {
  Q_OBJECT

 public:
  void take(const QString& text) {
    thread_was_gui = QThread::currentThread() == thread();
    Q_EMIT received(text);
  }

 Q_SIGNALS:
  void received(const QString& text);

 public:
  bool thread_was_gui = false;
};

// A job that waits until `release` is set, so that later jobs queue behind it.
auto blocker(std::shared_ptr<std::atomic<bool>> release) {
  return [release]() -> Result<int> {
    while (!*release) std::this_thread::yield();
    return 0;
  };
}

// Waits until every job submitted so far has reported (the worker runs one
// job at a time and the GUI thread takes results in order).
void drain(EngineWorker& worker) {
  Receiver last;
  QSignalSpy received(&last, &Receiver::received);
  worker.submit(
      QStringLiteral("drain"), &last, []() -> Result<int> { return 0; },
      [&last](Result<int>) { last.take(QStringLiteral("drained")); }, Scope::kWindow);
  ASSERT_TRUE(received.wait(10000));
}

auto text_of(Receiver* receiver) {
  return [receiver](Result<QString> result) {
    receiver->take(result ? result.value()
                          : QStringLiteral("error: ") + QString::fromStdString(result.error()));
  };
}

TEST(EngineWorkerTest, ResultArrivesOnTheGuiThreadFromAnotherThread) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  std::atomic<bool> ran_elsewhere{false};
  const auto gui = std::this_thread::get_id();
  worker.submit(
      QStringLiteral("job"), &receiver,
      [&ran_elsewhere, gui]() -> Result<QString> {
        ran_elsewhere = std::this_thread::get_id() != gui;
        return QStringLiteral("done");
      },
      text_of(&receiver));
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.takeFirst().at(0).toString(), QStringLiteral("done"));
  EXPECT_TRUE(ran_elsewhere);
  EXPECT_TRUE(receiver.thread_was_gui);
}

TEST(EngineWorkerTest, AnExceptionBecomesTheMessage) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  worker.submit(
      QStringLiteral("job"), &receiver,
      []() -> Result<QString> { throw std::runtime_error("the engine broke"); }, text_of(&receiver));
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.takeFirst().at(0).toString(), QStringLiteral("error: the engine broke"));
}

TEST(EngineWorkerTest, ASupersededJobIsSkippedAndOnlyTheLatestIsReported) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  auto release = std::make_shared<std::atomic<bool>>(false);
  worker.submit(QStringLiteral("block"), &receiver, blocker(release), [](Result<int>) {});
  std::atomic<int> runs{0};
  for (const QString& text : {QStringLiteral("first"), QStringLiteral("second")}) {
    worker.submit(
        QStringLiteral("capture"), &receiver,
        [&runs, text]() -> Result<QString> {
          ++runs;
          return text;
        },
        text_of(&receiver));
  }
  EXPECT_TRUE(worker.busy(QStringLiteral("capture")));
  *release = true;
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.takeFirst().at(0).toString(), QStringLiteral("second"));
  drain(worker);
  EXPECT_TRUE(received.isEmpty()) << "the superseded job reported";
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(worker.busy(QStringLiteral("capture")));
}

TEST(EngineWorkerTest, ResultOfAnEarlierSessionIsDroppedButAWindowJobIsNot) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  auto release = std::make_shared<std::atomic<bool>>(false);
  worker.submit(QStringLiteral("block"), &receiver, blocker(release), [](Result<int>) {});
  worker.submit(
      QStringLiteral("capture"), &receiver, []() -> Result<QString> { return QStringLiteral("old model"); },
      text_of(&receiver));
  worker.submit(
      QStringLiteral("export"), &receiver, []() -> Result<QString> { return QStringLiteral("export"); },
      text_of(&receiver), Scope::kWindow);
  worker.begin_session();
  worker.submit(
      QStringLiteral("capture2"), &receiver, []() -> Result<QString> { return QStringLiteral("new model"); },
      text_of(&receiver));
  *release = true;
  drain(worker);
  ASSERT_EQ(received.size(), 2);
  EXPECT_EQ(received.at(0).at(0).toString(), QStringLiteral("export"));
  EXPECT_EQ(received.at(1).at(0).toString(), QStringLiteral("new model"));
}

TEST(EngineWorkerTest, ATokenIsCancelledByCancelANewTokenOrANewSession) {
  EngineWorker worker;
  CancelToken first = worker.token(QStringLiteral("cam"));
  EXPECT_FALSE(*first);
  CancelToken second = worker.token(QStringLiteral("cam"));
  EXPECT_TRUE(*first) << "a new token of the lane cancels the old one";
  EXPECT_FALSE(*second);
  worker.cancel(QStringLiteral("cam"));
  EXPECT_TRUE(*second);

  CancelToken dataset = worker.token(QStringLiteral("dataset"));
  CancelToken export_all = worker.token(QStringLiteral("export"), Scope::kWindow);
  worker.begin_session();
  EXPECT_TRUE(*dataset);
  EXPECT_FALSE(*export_all) << "an export outlives the model";
}

TEST(EngineWorkerTest, ARunningJobSeesItsTokenCancelledAndReportsIt) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  CancelToken cancel = worker.token(QStringLiteral("score"));
  auto started = std::make_shared<std::atomic<bool>>(false);
  worker.submit(
      QStringLiteral("score"), &receiver,
      [cancel, started]() -> Result<QString> {
        *started = true;
        while (!*cancel) std::this_thread::yield();
        return Error{"cancelled"};
      },
      text_of(&receiver));
  while (!*started) std::this_thread::yield();
  worker.cancel(QStringLiteral("score"));
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.takeFirst().at(0).toString(), QStringLiteral("error: cancelled"));
}

TEST(EngineWorkerTest, ProgressIsPostedToTheGuiThreadAndNotAfterItsReceiverIsGone) {
  EngineWorker worker;
  auto receiver = std::make_unique<Receiver>();
  QSignalSpy received(receiver.get(), &Receiver::received);
  Receiver* target = receiver.get();
  worker.submit(
      QStringLiteral("job"), target,
      [target]() -> Result<int> {
        EngineWorker::post(target, [target] { target->take(QStringLiteral("50%")); });
        return 1;
      },
      [](Result<int>) {});
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.takeFirst().at(0).toString(), QStringLiteral("50%"));
  EXPECT_TRUE(receiver->thread_was_gui);

  auto release = std::make_shared<std::atomic<bool>>(false);
  auto late = std::make_shared<bool>(false);
  worker.submit(QStringLiteral("block"), target, blocker(release), [late](Result<int>) { *late = true; });
  receiver.reset();  // the pane closed while its job ran
  *release = true;
  drain(worker);
  EXPECT_FALSE(*late) << "a result was delivered after its receiver was gone";
}

// A background job sees a foreground job submitted behind it (so it can
// give way), and not a background one, nor one that has started.
TEST(EngineWorkerTest, ABackgroundJobSeesAForegroundJobWaitingBehindIt) {
  EngineWorker worker;
  Receiver receiver;
  QSignalSpy received(&receiver, &Receiver::received);
  const std::function<bool()> waiting = worker.foreground_waiting();
  auto release = std::make_shared<std::atomic<bool>>(false);
  worker.submit(QStringLiteral("long"), &receiver, blocker(release), [](Result<int>) {}, Scope::kSession,
                Priority::kBackground);
  worker.submit(QStringLiteral("other long"), &receiver, blocker(release), [](Result<int>) {}, Scope::kSession,
                Priority::kBackground);
  EXPECT_FALSE(waiting());
  worker.submit(
      QStringLiteral("capture"), &receiver, []() -> Result<QString> { return QStringLiteral("captured"); },
      text_of(&receiver));
  EXPECT_TRUE(waiting());
  *release = true;
  ASSERT_TRUE(received.wait(10000));
  EXPECT_EQ(received.first().at(0).toString(), QStringLiteral("captured"));
  EXPECT_FALSE(waiting());
}

}  // namespace
}  // namespace actscope

#include "engine_worker_test.moc"
