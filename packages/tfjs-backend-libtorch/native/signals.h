// Signals held back while oneDNN's matrix products run (signals.cc says why).
#pragma once

#include <signal.h>

namespace tl {

// Blocks the asynchronous signals on this thread for its lifetime; they are delivered when it ends.
class DeferSignals {
 public:
  DeferSignals();
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;

 private:
  sigset_t old_;
};

// Sets the intra-op thread count and starts OpenMP's worker threads with every asynchronous signal blocked, so that
// a signal sent to the process is always delivered to a thread that is not inside a product.
void setThreadsWithoutSignals(int threads);

// How many OpenMP workers a parallel region of the current thread count has, and how many of them block SIGINT.
struct WorkerMasks {
  int workers, blocking;
};
WorkerMasks workerSignalMasks();

}  // namespace tl
