#include "ui/state/engine_worker.h"

namespace actscope {

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) { pool_.setMaxThreadCount(1); }

EngineWorker::~EngineWorker() {
  for (auto& [name, token] : tokens_) *token.flag = true;
  pool_.waitForDone();
}

void EngineWorker::begin_session() {
  ++state_->session;
  stop_long_jobs();
}

void EngineWorker::stop_long_jobs() {
  for (auto& [name, token] : tokens_) {
    if (token.scope == Scope::kSession) *token.flag = true;
  }
}

std::function<bool()> EngineWorker::foreground_waiting() const {
  return [state = state_] { return state->foreground_queued > 0; };
}

bool EngineWorker::busy(const QString& lane) const {
  const auto found = lanes_.find(lane);
  return found != lanes_.end() && *found->second.pending > 0;
}

CancelToken EngineWorker::token(const QString& lane, Scope scope) {
  cancel(lane);
  auto flag = std::make_shared<std::atomic<bool>>(false);
  tokens_[lane] = {flag, scope};
  return flag;
}

void EngineWorker::cancel(const QString& lane) {
  const auto found = tokens_.find(lane);
  if (found != tokens_.end()) *found->second.flag = true;
}

}  // namespace actscope
