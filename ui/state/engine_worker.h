// EngineWorker: the one thread the engine runs on. Jobs are submitted from
// the GUI thread, run one at a time, and their results come back to the GUI
// thread, unless they have gone stale:
// - each job belongs to a lane ("capture", "cam", ...): a newer job on the
//   same lane supersedes it (a superseded job that has not started is
//   skipped; one that has finished is not reported);
// - each job is stamped with the session: results of jobs submitted before
//   begin_session() are dropped.
// A long background job (Priority::kBackground) can ask, between its
// steps, whether a foreground job waits, stop and be submitted again.
// Anything a job throws becomes an Error with the exception's message. The
// worker also hands out cancel tokens for long jobs and posts their progress
// to the GUI thread. The GUI thread never runs a model; every member is for
// the GUI thread only.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include "core/base/result.h"

namespace actscope {

// Set when the job that holds it should stop; read on the worker.
using CancelToken = std::shared_ptr<std::atomic<bool>>;

// What a job or a cancel token belongs to.
enum class Scope {
  kSession,  // the open model: dropped (cancelled) when another opens
  kWindow    // outlives a model change (a load, an export)
};

// How a submitted job stands to long background jobs (see foreground_waiting).
enum class Priority {
  kForeground,  // what the user waits for (a capture, a CAM, an image)
  kBackground   // itself a long job that gives way (a feature visualization)
};

class EngineWorker : public QObject {
  Q_OBJECT

 public:
  explicit EngineWorker(QObject* parent = nullptr);
  // Cancels every token and waits for the job that runs.
  ~EngineWorker() override;

  // Runs `work` (returning a Result<T>) on the worker thread, then `done`
  // with its result on the GUI thread, while `context` lives and the job is
  // neither superseded on `lane` nor (for Scope::kSession) of an earlier session.
  template <typename Work, typename Done>
  void submit(const QString& lane, QObject* context, Work work, Done done, Scope scope = Scope::kSession,
              Priority priority = Priority::kForeground);

  // For a long job that can stop and come again (its result depends only on
  // its input): called on the worker between its steps, true while a
  // foreground job submitted meanwhile waits for the worker. Slices do not
  // count: they wait their turn anyway.
  std::function<bool()> foreground_waiting() const;

  // A long job in slices (a dataset predicted a batch at a time): `slice`
  // (returning std::optional<Result<T>>) runs on the worker again and again
  // while it returns nothing, then `done` gets the result as for submit().
  // Every other job submitted meanwhile runs between two slices: a CAM or a
  // capture waits for one slice, never for the whole long job.
  template <typename Slice, typename Done>
  void submit_slices(const QString& lane, QObject* context, Slice slice, Done done, Scope scope = Scope::kSession);

  // A new session (a model was opened): results of earlier jobs are dropped
  // and their session tokens cancelled.
  void begin_session();
  // Cancels the session tokens only (a model is about to load behind them).
  void stop_long_jobs();
  // True while a job of `lane` is queued or running, or its result is on its
  // way to the GUI thread.
  bool busy(const QString& lane) const;

  // A fresh token for `lane`; the lane's previous token is cancelled.
  CancelToken token(const QString& lane, Scope scope = Scope::kSession);
  void cancel(const QString& lane);

  // Runs `function` on `context`'s thread (the GUI thread) unless `context`
  // is gone by then. Any thread; for progress from a job.
  template <typename Function>
  static void post(QObject* context, Function function);

 private:
  // Shared with the jobs, which outlive neither the worker nor its pool.
  struct State {
    std::atomic<int> session{0};
    std::atomic<int> foreground_queued{0};  // foreground jobs submitted and not started
  };
  struct Lane {
    std::shared_ptr<std::atomic<int>> latest = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> pending = std::make_shared<std::atomic<int>>(0);
  };
  struct Token {
    CancelToken flag;
    Scope scope;
  };

  Lane& lane(const QString& name) { return lanes_[name]; }

  // Queues the next slice of a submit_slices job, behind every job queued.
  template <typename Slice, typename Done, typename Stale>
  static void queue_slice(QThreadPool* pool, QPointer<QObject> context, Lane lane, Stale stale,
                          std::shared_ptr<Slice> slice, std::shared_ptr<Done> done);

  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::map<QString, Lane> lanes_;
  std::map<QString, Token> tokens_;
  QThreadPool pool_;
};

template <typename Work, typename Done>
void EngineWorker::submit(const QString& lane_name, QObject* context, Work work, Done done, Scope scope,
                          Priority priority) {
  using Outcome = decltype(work());
  Lane& lane = this->lane(lane_name);
  const int job = ++*lane.latest;
  ++*lane.pending;
  // -1: a job of the window, whatever the session.
  const int session = scope == Scope::kSession ? state_->session.load() : -1;
  const bool foreground = priority == Priority::kForeground;
  if (foreground) ++state_->foreground_queued;
  pool_.start([state = state_, session, lane, job, foreground, context = QPointer<QObject>(context),
               work = std::move(work), done = std::move(done)]() mutable {
    if (foreground) --state->foreground_queued;
    auto stale = [state, session, lane, job] {
      return *lane.latest != job || (session >= 0 && state->session != session);
    };
    if (stale()) {
      --*lane.pending;
      return;  // superseded before it started
    }
    auto outcome = std::make_shared<Outcome>(Error{"the job did not finish"});
    try {
      *outcome = work();
    } catch (const std::exception& e) {
      *outcome = Error{e.what()};
    } catch (...) {
      *outcome = Error{"unknown error"};
    }
    post(context, [stale, lane, outcome, done = std::move(done)]() mutable {
      --*lane.pending;
      if (!stale()) done(std::move(*outcome));
    });
  });
}

template <typename Slice, typename Done>
void EngineWorker::submit_slices(const QString& lane_name, QObject* context, Slice slice, Done done, Scope scope) {
  Lane& lane = this->lane(lane_name);
  const int job = ++*lane.latest;
  ++*lane.pending;
  const int session = scope == Scope::kSession ? state_->session.load() : -1;
  auto stale = [state = state_, session, lane, job] {
    return *lane.latest != job || (session >= 0 && state->session != session);
  };
  queue_slice(&pool_, QPointer<QObject>(context), lane, stale, std::make_shared<Slice>(std::move(slice)),
              std::make_shared<Done>(std::move(done)));
}

template <typename Slice, typename Done, typename Stale>
void EngineWorker::queue_slice(QThreadPool* pool, QPointer<QObject> context, Lane lane, Stale stale,
                               std::shared_ptr<Slice> slice, std::shared_ptr<Done> done) {
  using Outcome = typename decltype((*slice)())::value_type;
  // Below the default priority 0 of submit(): queued jobs run first.
  constexpr int kSlicePriority = -1;
  pool->start(
      [pool, context, lane, stale, slice, done] {
        if (stale()) {
          --*lane.pending;
          return;  // superseded, or of an earlier session
        }
        std::optional<Outcome> outcome;
        try {
          outcome = (*slice)();
        } catch (const std::exception& e) {
          outcome = Outcome(Error{e.what()});
        } catch (...) {
          outcome = Outcome(Error{"unknown error"});
        }
        if (!outcome) {
          queue_slice(pool, context, lane, stale, slice, done);
          return;
        }
        auto result = std::make_shared<Outcome>(std::move(*outcome));
        post(context, [stale, lane, result, done] {
          --*lane.pending;
          if (!stale()) (*done)(std::move(*result));
        });
      },
      kSlicePriority);
}

template <typename Function>
void EngineWorker::post(QObject* context, Function function) {
  QPointer<QObject> guard = context;
  if (!guard) return;
  QMetaObject::invokeMethod(
      context,
      [guard, function = std::move(function)]() mutable {
        if (guard) function();
      },
      Qt::QueuedConnection);
}

}  // namespace actscope
