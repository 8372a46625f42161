// ATen's CPU allocator for this process (see allocator.cc).
#pragma once

#include <cstddef>

namespace tl {

// Makes ATen allocate large blocks from a reuse cache backed by transparent huge pages.
void installCachingAllocator();

// Bytes of freed blocks the cache holds for reuse (0 when it is not installed).
size_t cachedBytes();

}  // namespace tl
