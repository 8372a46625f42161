// Intra-op threads that give way when the CPU is shared.
//
// Why: OpenMP's workers spin for a while (GOMP_SPINCOUNT, set by src/native.ts) before they sleep, because waking
// a sleeping worker costs 20-50 us a parallel region on a VM and a small model's training step has ~40 of them
// (SimpleCNN's replayed step: 5.9 ms spinning against 7.4 ms passive). But when another busy process shares the
// cores, a spinning worker holds a core the other needs, and both slow down several-fold (two SimpleCNN trainings
// on 2 cores, 2 threads each: ~930 images/s each spinning, ~2,900 passive). One thread each is best then (~4,900
// each): no worker spins or waits on another. So this watches, every 200 ms, how much CPU the other processes
// used (/proc/stat's busy time less this process's own, from getrusage): when they crowd into the CPUs the target
// needs, by 0.4 of a CPU or more for two windows in a row, one thread; once they leave them free (0.25 or less)
// for two windows, back to the count asked for. This process's own time is left out on purpose: its spinning
// worker and V8's threads must never make it give way to itself. (The time our threads waited for a CPU, from
// schedstat, was tried first: a spinning worker waits whenever V8 collects garbage, so it went down to one thread
// with nothing else running, in 4 of 6 runs of a capture test.)
// Results differ between thread counts in their last digits (sums are split between the threads), so a run that
// must repeat bit for bit on a shared machine sets MEDCNN_FIXED_THREADS=1, which keeps the count fixed.
#include "governor.h"

#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "signals.h"

namespace tl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWindow = std::chrono::milliseconds(200);
constexpr double kCrowded = 0.4;  // CPUs the others keep busy beyond those the target leaves free: shared
constexpr double kFree = 0.25;    // ... at most, for the cores to count as free again

int target = 1;
int current = 1;
int64_t reductions = 0;
int busyWindows = 0, freeWindows = 0;
bool started = false;
Clock::time_point windowStart;
uint64_t idleAtStart = 0, totalAtStart = 0;
double ownCpuAtStart = 0;
std::mutex mu;

bool fixedThreads() {
  static const bool fixed = [] {
    const char* v = std::getenv("MEDCNN_FIXED_THREADS");
    return v && std::string(v) == "1";
  }();
  return fixed;
}

// The machine's idle and total CPU time so far (/proc/stat's first line, in clock ticks).
bool cpuTicks(uint64_t& idle, uint64_t& total) {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return false;
  unsigned long long v[8] = {};
  const bool ok = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                              &v[5], &v[6], &v[7]) == 8;
  std::fclose(f);
  idle = v[3] + v[4];
  total = 0;
  for (unsigned long long x : v) total += x;
  return ok;
}

// Seconds of CPU this process has used, all its threads.
double ownCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

void setTargetThreads(int threads) {
  setThreadsWithoutSignals(threads);
  target = current = threads;
  busyWindows = freeWindows = 0;
  started = false;
}

void governThreads() {
  if (target <= 1 || fixedThreads()) return;
  // Ops run on the main thread; should another thread run some, it leaves the governing to the one already at it.
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const Clock::time_point now = Clock::now();
  if (started && now - windowStart < kWindow) return;
  uint64_t idle = 0, total = 0;
  if (!cpuTicks(idle, total)) return;
  const double ownCpu = ownCpuSeconds();
  if (started) {
    static const long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
    static const double tick = 1.0 / double(std::max(1L, sysconf(_SC_CLK_TCK)));
    const double wall = std::chrono::duration<double>(now - windowStart).count();
    const double busy = double((total - totalAtStart) - (idle - idleAtStart)) * tick;
    const double others = std::max(0.0, busy - (ownCpu - ownCpuAtStart)) / wall;
    const double crowding = others - double(std::max<long>(0, cpus - target));
    if (current == target) {
      busyWindows = crowding >= kCrowded ? busyWindows + 1 : 0;
      if (busyWindows >= 2) {
        // As OneThreadIf does (threads.h); the worker stays in OpenMP's pool, asleep.
        omp_set_num_threads(1);
        current = 1;
        ++reductions;
        busyWindows = 0;
      }
    } else {
      freeWindows = crowding <= kFree ? freeWindows + 1 : 0;
      if (freeWindows >= 2) {
        setThreadsWithoutSignals(target);
        current = target;
        freeWindows = 0;
      }
    }
  }
  started = true;
  windowStart = now;
  idleAtStart = idle;
  totalAtStart = total;
  ownCpuAtStart = ownCpu;
}

GovernorState governorState() { return {target, current, reductions, fixedThreads()}; }

}  // namespace tl
