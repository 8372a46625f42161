// Training-step capture: record what one step does (every native op with its inputs and attributes, the tensors
// JavaScript writes), check that a second step does exactly the same, and replay it natively on new batches
// in one call. See capture.cc for the rules and src/capture.ts for how a step is captured.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include "op.h"

namespace tl {

// The tensor table and the op runner of addon.cc, shared with the capture.
Entry& lookup(int64_t id);
bool exists(int64_t id);
int64_t keep(Entry e);
std::vector<Entry> execute(const OpDef& def, const Args& args, int castTo);
at::ScalarType scalarType(int code);  // of a dtype code (src/dtypes.ts)
Napi::Array describeOutputs(Napi::Env env, const std::vector<int64_t>& ids);
std::string failureText(const OpDef& def, const Args& args, const std::exception& e);
std::string errorText(const std::exception& e);

// What the addon tells the recorder while a step is being captured.
class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void ran(uint32_t op, const std::vector<int64_t>& in, std::vector<double> attrs, int castTo,
                   const std::vector<int64_t>& out) = 0;
  virtual void written(int64_t id, const at::Tensor& t) = 0;
  virtual void read(int64_t id) = 0;
};

// The active recorder, or null when no step is being captured.
Recorder* recorder();

// captureBegin, captureEnd, captureAbort, captureCompile, captureReplay, captureInfo, captureSameForm,
// captureRelease.
void exportCapture(Napi::Env env, Napi::Object exports);

}  // namespace tl
