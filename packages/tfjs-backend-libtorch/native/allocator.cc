// ATen's CPU allocator for this process: large blocks (activations, gradients, optimizer state)
// are kept for reuse by size; everything else is ATen's default allocator (glibc).
//
// Why: a training step frees and reallocates the same large blocks hundreds of times, and each
// reuse from glibc's heap costs a search of its bins: ~13 ms of serial time per ResNet-18 (28)
// step, measured with perf. Here a freed block waits for the next request of its size.
// (Backing large blocks with transparent huge pages was tried: fewer page faults, but on this
// project's VM the first training step got ~1 s slower, so blocks come from glibc as before.)
#include "allocator.h"

#include <c10/core/CPUAllocator.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tl {
namespace {

constexpr size_t kMinCached = 512 << 10;  // below this, ATen's default allocator (glibc)
constexpr size_t kGranule = 64 << 10;     // sizes round up to this, so that repeats match

struct Block {
  void* p;
  size_t size;
};

class CachingAllocator final : public c10::Allocator {
 public:
  explicit CachingAllocator(c10::Allocator* base) : base_(base) {
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    const size_t physical = pages > 0 && pageSize > 0 ? size_t(pages) * size_t(pageSize) : size_t(8) << 30;
    // Free blocks kept at most: a quarter of the machine's memory (a training step's working set
    // is what it needs; the cap only matters when the sizes in use keep changing).
    cap_ = std::max<size_t>(size_t(512) << 20, physical / 4);
  }

  // libtorch 2.x's Allocator differs from 1.13's: allocate lost its const, and copy_data (pure virtual) came.
  // Both forms of allocate and copy_data are here, without `override`, so that each version overrides
  // what it declares and the others are plain members.
  c10::DataPtr allocate(size_t n) { return static_cast<const CachingAllocator*>(this)->allocate(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  c10::DataPtr allocate(size_t n) const {
    if (n < kMinCached) {
      void* p = base_->raw_allocate(n);
      return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
    }
    const size_t size = (n + kGranule - 1) / kGranule * kGranule;
    // A cached block of the size or up to 1/8 larger; failing that, one up to twice the size. A fresh block costs
    // a page fault per 4 KiB on first touch (~17 µs each on this project's VM), a larger cached one nothing: when
    // DenseNet-121's validation pass took fresh blocks for its own sizes and trimmed the training step's, the
    // next training step faulted its memory back in (2.6 → 4–7 s for the epoch after validation).
    void* p = take(size, size / 8);
    if (!p) p = take(size, size);
    if (!p) {
      makeRoom(size);
      p = fresh(size);
    }
    return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static void release(void* p);

  size_t cached() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cached_;
  }

  static CachingAllocator* instance;

 private:
  // A cached block of `size` bytes up to `over` bytes larger, the smallest there is; null if none.
  void* take(size_t size, size_t over) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = bySize_.lower_bound(size);
    if (it == bySize_.end() || it->first > size + over) return nullptr;
    auto lru = it->second;
    void* p = lru->p;
    live_[p] = lru->size;
    liveBytes_ += lru->size;
    peakLive_ = std::max(peakLive_, liveBytes_);
    cached_ -= lru->size;
    bySize_.erase(it);
    free_.erase(lru);
    return p;
  }

  // A new block from ATen's default allocator, registered as ours.
  void* fresh(size_t size) const {
    void* p;
    try {
      p = base_->raw_allocate(size);
    } catch (const c10::Error&) {
      trim(0);  // out of memory: give the cached blocks back and try once more
      p = base_->raw_allocate(size);
    }
    std::lock_guard<std::mutex> lock(mu_);
    live_[p] = size;
    liveBytes_ += size;
    return p;
  }

  // Before a fresh block: keep what the process holds (in use + cached) within 1/8 above the most it has ever had
  // in use, by handing back the least recently freed blocks. Without a bound, the first steps' blocks of sizes
  // never asked for again stayed cached beside new ones (EfficientNet-B0 (128) training peaked at 2.1 GB, not
  // 1.7 GB); with no slack at all (every miss trimming as much as it took) DenseNet-121 trimmed and faulted back
  // in its blocks on every miss.
  void makeRoom(size_t size) const {
    size_t keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const size_t live = liveBytes_ + size;
      peakLive_ = std::max(peakLive_, live);
      const size_t allowed = peakLive_ + peakLive_ / 8;
      keep = allowed > live ? allowed - live : 0;
      if (cached_ <= keep) return;
    }
    trim(keep);
  }

  // Hands the least recently freed blocks back until at most `keep` bytes stay cached.
  void trim(size_t keep) const {
    std::vector<Block> drop;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (cached_ > keep && !free_.empty()) {
        Block b = free_.back();
        auto range = bySize_.equal_range(b.size);
        for (auto it = range.first; it != range.second; ++it) {
          if (it->second->p == b.p) {
            bySize_.erase(it);
            break;
          }
        }
        free_.pop_back();
        cached_ -= b.size;
        drop.push_back(b);
      }
    }
    for (const Block& b : drop) base_->raw_deallocate(b.p);
  }

  void put(void* p) const {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = live_.find(p);
      if (it == live_.end()) {
        base_->raw_deallocate(p);  // a small block
        return;
      }
      free_.push_front({p, it->second});
      bySize_.emplace(it->second, free_.begin());
      cached_ += it->second;
      liveBytes_ -= it->second;
      live_.erase(it);
      if (cached_ <= cap_) return;
    }
    trim(cap_);
  }

  c10::Allocator* base_;
  size_t cap_;
  mutable std::mutex mu_;
  mutable std::unordered_map<void*, size_t> live_;  // blocks of this cache in use, with their sizes
  mutable std::list<Block> free_;                   // cached blocks, most recently freed first
  mutable std::multimap<size_t, std::list<Block>::iterator> bySize_;
  mutable size_t cached_ = 0;
  mutable size_t liveBytes_ = 0;  // bytes of this cache's blocks in use
  mutable size_t peakLive_ = 0;   // the most ever in use at once
};

CachingAllocator* CachingAllocator::instance = nullptr;

void CachingAllocator::release(void* p) {
  if (p) instance->put(p);
}

}  // namespace

void installCachingAllocator() {
  if (CachingAllocator::instance) return;
  const char* off = std::getenv("MEDCNN_ALLOC_CACHE");
  if (off && std::string(off) == "0") return;
  // Never destroyed: tensors may be freed during process exit, after static destructors ran.
  CachingAllocator::instance = new CachingAllocator(c10::GetDefaultCPUAllocator());
  c10::SetCPUAllocator(CachingAllocator::instance, /*priority=*/1);
}

size_t cachedBytes() { return CachingAllocator::instance ? CachingAllocator::instance->cached() : 0; }

}  // namespace tl
