// ATen's CPU allocator for this process: large blocks (activations, gradients, optimizer state) come from
// segments of memory this allocator keeps, split for smaller requests and merged again when freed; everything
// else is ATen's default allocator (glibc).
//
// Why keep memory at all: a training step frees and reallocates the same large blocks hundreds of times, and
// each reuse from glibc's heap cost a search of its bins (~13 ms of serial time per ResNet-18 (28) step, perf),
// while memory handed back to the system costs a page fault per 4 KiB when it is touched again (~17 us each on
// this project's VM).
// Why split and merge (the design of PyTorch's CUDA caching allocator, written here for the CPU): a cache of
// whole blocks by size needs a block of each size a pass asks for at once; kept within a bound on what the
// process holds, it traded blocks of one size for another on every pass, faulting them in again each time
// (MobileNetV2 (128) inference: 50,000-80,000 faults and 2-3x the time per pass; DenseNet-121 training after a
// validation pass: 4-7 s epochs instead of ~2.3 s). A free block here serves any request up to its size, the
// rest stays free, and neighbours merge when freed, so a pass of any mixture of sizes finds room in what the
// previous pass freed.
// Why segments are mapped with MAP_POPULATE: on this project's VM the first touch of a fresh 4 KiB page costs
// ~11 us (a trap to the hypervisor); pages the kernel fills at mmap time cost ~0.6 us there and ~4.7 us at their
// first touch, half in all (a C loop over 64 MiB). The first training steps touch their whole working set
// (ResNet-18 (28): ~120,000 pages; its first step ~150 ms and its second ~90 ms faster). (Transparent huge pages
// were tried too: fewer faults, but the first training step got ~1 s slower.)
#include "allocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tl {
namespace {

constexpr size_t kMinCached = 512 << 10;  // below this, ATen's default allocator (glibc)
constexpr size_t kGranule = 64 << 10;     // sizes round up to this, so that blocks split on its multiples

struct Segment;

// A piece of a segment, free or in use; its neighbours in address order.
struct Block {
  char* p;
  size_t size;
  bool free;
  Segment* segment;
  Block* prev;
  Block* next;
};

// Memory from the kernel (mmap), handed back whole once none of it is in use.
struct Segment {
  void* base;
  size_t size;
  Block* head = nullptr;  // its first block (a merge keeps the lower block, so this one lives as long as it)
  size_t inUse = 0;       // bytes of its blocks in use
  uint64_t idle = 0;      // when it last became wholly free (a counter)
};

class CachingAllocator final : public c10::Allocator {
 public:
  explicit CachingAllocator(c10::Allocator* base) : base_(base) {
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    const size_t physical = pages > 0 && pageSize > 0 ? size_t(pages) * size_t(pageSize) : size_t(8) << 30;
    // Free memory kept at most: a quarter of the machine's (a training step's working set is what it needs;
    // the cap only matters when the sizes in use keep changing).
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
    void* p = take(size);
    if (!p) {
      makeRoom(size);
      p = grow(size);
    }
    return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static void release(void* p);

  // Free bytes inside the segments, kept for reuse.
  size_t cached() const {
    std::lock_guard<std::mutex> lock(mu_);
    return held_ - inUse_;
  }

  static CachingAllocator* instance;

 private:
  // The smallest free block of at least `size` bytes, split if enough is left over; null if none.
  void* take(size_t size) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.lower_bound({size, nullptr});
    if (it == free_.end()) return nullptr;
    Block* b = it->second;
    free_.erase(it);
    if (b->size - size >= kMinCached) {
      Block* rest = new Block{b->p + size, b->size - size, true, b->segment, b, b->next};
      if (b->next) b->next->prev = rest;
      b->next = rest;
      b->size = size;
      free_.insert({rest->size, rest});
    }
    use(b);
    return b->p;
  }

  // A new segment of `size` bytes, in use as one block.
  void* grow(size_t size) const {
    void* p = map(size);
    if (!p) {
      handBack(0);  // out of memory: give the idle segments back and try once more
      p = map(size);
      TORCH_CHECK(p, "out of memory: could not allocate ", size, " bytes");
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto* s = new Segment{p, size};
    s->head = new Block{static_cast<char*>(p), size, true, s, nullptr, nullptr};
    segments_.insert(s);
    held_ += size;
    use(s->head);
    return p;
  }

  // Fresh memory, its pages already present (page aligned, so 64-byte aligned as ATen wants); null if none.
  static void* map(size_t size) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  }

  void use(Block* b) const {
    b->free = false;
    b->segment->inUse += b->size;
    inUse_ += b->size;
    peakInUse_ = std::max(peakInUse_, inUse_);
    used_[b->p] = b;
  }

  // Before a new segment: keep what the process holds within 1/8 above the most it has had in use, by handing
  // back wholly free segments, those idle longest first. Without a bound, the first steps' blocks of sizes never
  // asked for again stayed beside new ones (EfficientNet-B0 (128) training peaked at 2.1 GB, not 1.7 GB).
  void makeRoom(size_t size) const {
    size_t keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const size_t bound = std::max(peakInUse_, inUse_ + size);
      const size_t allowed = bound + bound / 8;
      if (held_ + size <= allowed) return;
      keep = allowed - std::min(allowed, size);
    }
    handBack(keep);
  }

  // Hands wholly free segments back to the kernel, those idle longest first, until at most `keep` bytes are held.
  void handBack(size_t keep) const {
    std::vector<Segment*> drop;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<Segment*> idle;
      for (Segment* s : segments_)
        if (s->inUse == 0) idle.push_back(s);
      std::sort(idle.begin(), idle.end(), [](const Segment* a, const Segment* b) { return a->idle < b->idle; });
      for (Segment* s : idle) {
        if (held_ <= keep) break;
        // A wholly free segment is one free block, its head (its neighbours merged when they were freed).
        free_.erase({s->head->size, s->head});
        delete s->head;
        segments_.erase(s);
        held_ -= s->size;
        drop.push_back(s);
      }
    }
    for (Segment* s : drop) {
      munmap(s->base, s->size);
      delete s;
    }
  }

  void put(void* p) const {
    size_t keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = used_.find(p);
      if (it == used_.end()) {
        base_->raw_deallocate(p);  // a small block
        return;
      }
      Block* b = it->second;
      used_.erase(it);
      b->free = true;
      b->segment->inUse -= b->size;
      inUse_ -= b->size;
      if (b->segment->inUse == 0) b->segment->idle = ++clock_;
      // Merge with free neighbours.
      for (Block* n : {b->prev, b->next}) {
        if (!n || !n->free) continue;
        free_.erase({n->size, n});
        Block* first = n == b->prev ? n : b;
        Block* second = n == b->prev ? b : n;
        first->size += second->size;
        first->next = second->next;
        if (second->next) second->next->prev = first;
        delete second;
        b = first;
      }
      free_.insert({b->size, b});
      if (held_ - inUse_ <= cap_) return;
      keep = inUse_ + cap_;
    }
    handBack(keep);
  }

  c10::Allocator* base_;
  size_t cap_;
  mutable std::mutex mu_;
  mutable std::set<std::pair<size_t, Block*>> free_;  // free blocks by size (best fit: the first large enough)
  mutable std::unordered_map<void*, Block*> used_;    // blocks in use, by address
  mutable std::set<Segment*> segments_;
  mutable size_t held_ = 0;       // bytes of all segments
  mutable size_t inUse_ = 0;      // bytes of blocks in use
  mutable size_t peakInUse_ = 0;  // the most ever in use at once
  mutable uint64_t clock_ = 0;
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
