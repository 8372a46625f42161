// ATen's CPU allocator for this process (see allocator.cc).
#pragma once

#include <cstddef>

namespace tl {

// Makes ATen allocate blocks of 512 KiB and more from a cache of freed blocks, by size.
void installCachingAllocator();

// Bytes of freed blocks the cache holds for reuse (0 when it is not installed).
size_t cachedBytes();

}  // namespace tl
