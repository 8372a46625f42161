// Intra-op threads that give way when the CPU is shared with other busy processes (governor.cc says why).
#pragma once
#include <cstdint>

namespace tl {

// The thread count asked for (setNumThreads): set now, and the one the governor returns to.
void setTargetThreads(int threads);

// Called before each op and each replayed step; at most every 200 ms it looks at how much CPU other processes
// used, and moves between the target and one thread.
void governThreads();

struct GovernorState {
  int target;
  int current;
  int64_t reductions;  // times it went down to one thread
  bool fixed;          // MEDCNN_FIXED_THREADS=1: never changes the count
};
GovernorState governorState();

}  // namespace tl
