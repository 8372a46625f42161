// On this project's AMD EPYC (AVX-512), a signal delivered to a thread while oneDNN's AVX-512 sgemm runs there
// corrupts memory: Ctrl-C, a terminal resize, a child process ending or the profiler's SIGPROF during training
// ended in "corrupted size vs. prev_size" or a segmentation fault (a test sends thousands of signals during
// products: it crashed within seconds). oneDNN's convolutions and its AVX2 kernels (ONEDNN_MAX_CPU_ISA=AVX2) did
// not; capping the ISA cost ResNet-18's training 30-40%. So the products run with signals held back: the thread
// that calls one blocks them for its duration, and OpenMP's workers, which run its other parts, block them always
// (a signal to the process goes to a thread that does not block it). A held-back signal is delivered right after.
#include "signals.h"

#include <ATen/Parallel.h>
#include <omp.h>
#include <pthread.h>

#include <atomic>

namespace tl {

static sigset_t asynchronousSignals() {
  sigset_t s;
  sigfillset(&s);
  // Faults are raised by the faulting instruction itself and cannot wait; blocking them would only make the
  // kernel kill the process without the handlers that report them.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&s, sig);
  return s;
}

DeferSignals::DeferSignals() {
  static const sigset_t held = asynchronousSignals();
  pthread_sigmask(SIG_BLOCK, &held, &old_);
}

DeferSignals::~DeferSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

void setThreadsWithoutSignals(int threads) {
  at::set_num_threads(threads);
  // A thread starts with its creator's signal mask: libgomp creates (and then keeps) its workers at the first
  // parallel region that needs them, which is this one. It must do something: GCC removes an empty region (until
  // 2026-12-03 it was empty, and the workers were made by whichever region came first, a product's, under
  // DeferSignals, or a convolution's, taking signals).
  DeferSignals held;
  std::atomic<int> started{0};
#pragma omp parallel num_threads(threads)
  started.fetch_add(1, std::memory_order_relaxed);
}

WorkerMasks workerSignalMasks() {
  int workers = 0, blocking = 0;
#pragma omp parallel num_threads(at::get_num_threads()) reduction(+ : workers, blocking)
  {
    if (omp_get_thread_num() != 0) {
      sigset_t mask;
      pthread_sigmask(SIG_BLOCK, nullptr, &mask);
      workers += 1;
      blocking += sigismember(&mask, SIGINT) == 1;
    }
  }
  return {workers, blocking};
}

}  // namespace tl
