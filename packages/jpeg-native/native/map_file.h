// Files mapped into memory (map_file.cc), exported by the addon beside the JPEG decoder.
#pragma once
#include <napi.h>

Napi::Value MapFile(const Napi::CallbackInfo& info);
