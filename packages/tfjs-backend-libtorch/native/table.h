// The tensor table of addon.cc, for native code that lives in files of its own (native/distributed/).
#pragma once
#include <napi.h>

#include <cstdint>

#include "op.h"

namespace tl {

// The table entry of the id JS holds; throws when no tensor has it.
Entry& lookup(int64_t id);

// Adds the distributed collectives (native/distributed/process_group.cc) to the addon's exports.
void initDistributed(Napi::Env env, Napi::Object exports);

// Adds setRandomSeed, which seeds the generator random ops draw from (native/kernels/random.cc).
void exportRandom(Napi::Env env, Napi::Object exports);

}  // namespace tl
