// Running an op on the calling thread alone.
#pragma once
#include <omp.h>

namespace tl {

// OpenMP regions started by this thread use one thread while this lives (when `on`). Waking the pool's sleeping
// workers (passive waiting: src/native.ts) costs 20-50 us a parallel region on this project's 2-core VM, more than
// the whole work of a small op.
class OneThreadIf {
 public:
  explicit OneThreadIf(bool on) : before_(on ? omp_get_max_threads() : 0) {
    if (before_ > 1) omp_set_num_threads(1);
  }
  ~OneThreadIf() {
    if (before_ > 1) omp_set_num_threads(before_);
  }
  OneThreadIf(const OneThreadIf&) = delete;
  OneThreadIf& operator=(const OneThreadIf&) = delete;

 private:
  int before_;
};

}  // namespace tl
