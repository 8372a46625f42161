// Intra-op threads that give way when the CPU is shared.
//
// Why: OpenMP's workers spin for a while (GOMP_SPINCOUNT, set by src/native.ts) before they sleep, because waking
// a sleeping worker costs 20-50 us a parallel region on a VM and a small model's training step has ~40 of them
// (SimpleCNN's replayed step: 5.9 ms spinning against 7.4 ms passive). But when another busy process shares the
// cores, a spinning worker holds a core the other needs, and both slow down several-fold (two SimpleCNN trainings
// on 2 cores, 2 threads each: epochs 4.8-5.2 s spinning, 1.5-2.0 s passive). One thread each is best then (0.7-1.0
// s): no worker spins or waits on another. So this watches whether the team's threads (the one that runs every op
// and OpenMP's workers) waited for a CPU, from the kernel's schedstat: if together they waited for more than 30% of
// two windows of 200 ms in a row, one thread; once the other processes leave the CPUs it needs free for two windows,
// back to the count asked for. Results differ between thread counts in their last digits (sums are split between the
// threads), so a run that must repeat bit for bit on a shared machine sets MEDCNN_FIXED_THREADS=1, which keeps the
// count fixed.
#include "governor.h"

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "signals.h"

namespace tl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWindow = std::chrono::milliseconds(200);
constexpr double kWaitedShare = 0.3;  // of a window spent waiting for a CPU: shared
constexpr double kOthersShare = 0.3;  // of a CPU, at most, that others keep busy beside the target: free again

int target = 1;
int current = 1;
int64_t reductions = 0;
int busyWindows = 0, freeWindows = 0;
bool started = false;
Clock::time_point windowStart;
uint64_t waitedAtStart = 0, idleAtStart = 0, totalAtStart = 0;
double ownCpuAtStart = 0;
std::mutex mu;

bool fixedThreads() {
  static const bool fixed = [] {
    const char* v = std::getenv("MEDCNN_FIXED_THREADS");
    return v && std::string(v) == "1";
  }();
  return fixed;
}

// The threads of a parallel region at the target count (this one first), by kernel thread id.
std::vector<pid_t> teamThreads;

void collectTeam() {
  std::vector<pid_t> tids(target, 0);
  DeferSignals held;  // should this region start a worker, it must block signals as all of them do (signals.cc)
#pragma omp parallel num_threads(target)
  tids[omp_get_thread_num()] = static_cast<pid_t>(syscall(SYS_gettid));
  teamThreads = tids;
}

// Nanoseconds the team's threads have spent runnable but waiting for a CPU (schedstat's second field), summed:
// a busy process on one core delays only the worker there, which the others then wait for.
bool waitedNs(uint64_t& waited) {
  waited = 0;
  for (pid_t tid : teamThreads) {
    char file[64];
    std::snprintf(file, sizeof file, "/proc/self/task/%d/schedstat", static_cast<int>(tid));
    FILE* f = std::fopen(file, "r");
    if (!f) return false;
    unsigned long long run = 0, wait = 0;
    const bool ok = std::fscanf(f, "%llu %llu", &run, &wait) == 2;
    std::fclose(f);
    if (!ok) return false;
    waited += wait;
  }
  return !teamThreads.empty();
}

// The machine's idle and total CPU time so far (/proc/stat's first line, in clock ticks).
bool cpuTicks(uint64_t& idle, uint64_t& total) {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return false;
  unsigned long long v[8] = {};
  bool ok = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                        &v[6], &v[7]) == 8;
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
  collectTeam();
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
  uint64_t waited = 0, idle = 0, total = 0;
  if (!waitedNs(waited) || !cpuTicks(idle, total)) return;
  const double ownCpu = ownCpuSeconds();
  if (started) {
    const double wall = std::chrono::duration<double, std::nano>(now - windowStart).count();
    if (current == target) {
      busyWindows =
          waited >= waitedAtStart && double(waited - waitedAtStart) > kWaitedShare * wall ? busyWindows + 1 : 0;
      if (busyWindows >= 2) {
        // As OneThreadIf does (threads.h); the worker stays in OpenMP's pool, asleep.
        omp_set_num_threads(1);
        current = 1;
        ++reductions;
        busyWindows = 0;
        started = false;  // the next window starts afresh
        return;
      }
    } else {
      // CPUs the other processes kept busy through the window (the machine's busy time less this process's).
      static const long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
      static const double tick = 1.0 / double(std::max(1L, sysconf(_SC_CLK_TCK)));
      const double busy = double((total - totalAtStart) - (idle - idleAtStart)) * tick;
      const double others = (busy - (ownCpu - ownCpuAtStart)) / (wall * 1e-9);
      freeWindows = double(cpus) - others >= target - kOthersShare ? freeWindows + 1 : 0;
      if (freeWindows >= 2) {
        setThreadsWithoutSignals(target);
        current = target;
        collectTeam();
        freeWindows = 0;
        started = false;
        return;
      }
    }
  }
  started = true;
  windowStart = now;
  waitedAtStart = waited;
  idleAtStart = idle;
  totalAtStart = total;
  ownCpuAtStart = ownCpu;
}

GovernorState governorState() { return {target, current, reductions, fixedThreads()}; }

}  // namespace tl
