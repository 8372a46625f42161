// N-API entry points: the tensor table (write/read/dispose), threads, version, the registered ops and
// their attributes (opNames/opAttributes), and `run`, which dispatches one op. Every C++ exception is
// caught here and becomes a JS Error naming the op and its input shapes.
#include <napi.h>

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <unordered_map>

#include "allocator.h"
#include "capture.h"
#include "governor.h"
#include "kernels/conv_gemm.h"
#include "op.h"
#include "signals.h"
#include "table.h"

namespace tl {

// dtype codes shared with src/dtypes.ts
enum Code { kF32 = 0, kI32 = 1, kBool = 2 };

at::ScalarType scalarType(int code) {
  switch (code) {
    case kF32: return at::kFloat;
    case kI32: return at::kInt;
    case kBool: return at::kBool;
  }
  throw std::runtime_error("unknown dtype code " + std::to_string(code));
}

int codeOf(at::ScalarType s) {
  if (s == at::kFloat) return kF32;
  if (s == at::kInt) return kI32;
  if (s == at::kBool) return kBool;
  return -1;
}

static std::unordered_map<int64_t, Entry> table;
static int64_t nextId = 1;

Entry& lookup(int64_t id) {
  auto it = table.find(id);
  if (it == table.end()) throw std::runtime_error("unknown tensor id " + std::to_string(id));
  return it->second;
}

bool exists(int64_t id) { return table.count(id) != 0; }

int64_t keep(Entry e) {
  int64_t id = nextId++;
  table[id] = std::move(e);
  return id;
}

std::string shapeOf(const at::Tensor& t) {
  std::ostringstream s;
  s << "[";
  for (int64_t d = 0; d < t.dim(); ++d) s << (d ? "," : "") << t.size(d);
  s << "]";
  return s.str();
}

std::string errorText(const std::exception& e) {
  if (auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

static std::vector<int64_t> intList(const Napi::Value& v) {
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

c10::Device& currentDevice() {
  static c10::Device device(at::kCPU);
  return device;
}

bool& hostLoopsOff() {
  static bool off = false;
  return off;
}

// setHostLoops(on): false makes the kernels with host-memory loops take their ATen formulation (op.h).
static Napi::Value SetHostLoops(const Napi::CallbackInfo& info) {
  hostLoopsOff() = !info[0].As<Napi::Boolean>().Value();
  return info.Env().Undefined();
}

void requireCpu(const at::Tensor& t, const char* kernel) {
  if (!t.is_cpu())
    throw std::runtime_error(std::string("kernel '") + kernel + "' runs on the CPU only (it loops over host memory), " +
                             "and its input is on " + t.device().str() + "; use the cpu device for it");
}

// The inputs of an op must be on the current device: a tensor made before setDevice stays where it was made,
// and copying it silently would hide the mistake (and cost a transfer per use).
static void checkDevices(const Args& args) {
  const c10::Device& want = currentDevice();
  for (size_t k = 0; k < args.in.size(); ++k) {
    const c10::Device d = args.in[k]->t.device();
    if (d != want)
      throw std::runtime_error("input " + std::to_string(k) + " is on " + d.str() + ", but the backend runs on " +
                               want.str() + " (tensors stay on the device they were created on; set the " +
                               "device before creating any)");
  }
}

// write(data: TypedArray, shape: number[], dtype: code) -> id
static Napi::Value Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    c10::InferenceMode guard;
    auto arr = info[0].As<Napi::TypedArray>();
    auto shape = intList(info[1]);
    auto type = scalarType(info[2].As<Napi::Number>().Int32Value());
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
    size_t bytes = t.numel() * t.element_size();
    if (bytes != arr.ByteLength())
      throw std::runtime_error("data has " + std::to_string(arr.ByteLength()) + " bytes, shape needs " +
                               std::to_string(bytes));
    if (bytes) std::memcpy(t.data_ptr(), static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset(), bytes);
    if (!currentDevice().is_cpu()) t = t.to(currentDevice());  // one host-to-device copy
    int64_t id = keep(Entry{t, {}});
    if (Recorder* r = recorder()) r->written(id, t);
    return Napi::Number::New(env, static_cast<double>(id));
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, "libtorch write failed: " + errorText(e));
  }
}

// read(id) -> Float32Array | Int32Array | Uint8Array (a copy)
static Napi::Value Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    int64_t id = info[0].As<Napi::Number>().Int64Value();
    // Off the CPU: a row-major copy on the device, then to host memory (this waits for the device's queue).
    const at::Tensor& held = lookup(id).t;
    const at::Tensor t = held.is_cpu() ? held.contiguous() : held.contiguous().to(at::kCPU);
    if (Recorder* r = recorder()) r->read(id);
    size_t n = t.numel();
    auto buf = Napi::ArrayBuffer::New(env, n * t.element_size());
    if (n) std::memcpy(buf.Data(), t.data_ptr(), n * t.element_size());
    switch (codeOf(t.scalar_type())) {
      case kF32: return Napi::Float32Array::New(env, n, buf, 0);
      case kI32: return Napi::Int32Array::New(env, n, buf, 0);
      case kBool: return Napi::Uint8Array::New(env, n, buf, 0);
    }
    throw std::runtime_error("tensor has unsupported dtype");
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, "libtorch read failed: " + errorText(e));
  }
}

static Napi::Value Dispose(const Napi::CallbackInfo& info) {
  table.erase(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

// Bytes held, counting each storage once (views share storage).
static Napi::Value MemoryBytes(const Napi::CallbackInfo& info) {
  std::unordered_map<const void*, size_t> seen;
  for (auto& [id, e] : table) {
    if (!e.t.defined()) continue;
    seen[e.t.storage().unsafeGetStorageImpl()] = e.t.storage().nbytes();
    if (e.aux.defined()) seen[e.aux.storage().unsafeGetStorageImpl()] = e.aux.storage().nbytes();
  }
  double total = 0;
  for (auto& [k, v] : seen) total += v;
  return Napi::Number::New(info.Env(), total);
}

static Napi::Value CachedBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(cachedBytes()));
}

static Napi::Value NumTensors(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(table.size()));
}

static Napi::Value OpNames(const Napi::CallbackInfo& info) {
  auto arr = Napi::Array::New(info.Env(), registry().size());
  for (uint32_t k = 0; k < registry().size(); ++k) arr.Set(k, registry()[k].name);
  return arr;
}

// opAttributes() -> per op (in opNames' order) its attribute names, lists with a trailing "[]"
static Napi::Value OpAttributes(const Napi::CallbackInfo& info) {
  auto ops = Napi::Array::New(info.Env(), registry().size());
  for (uint32_t k = 0; k < registry().size(); ++k) {
    const std::vector<AttrSpec>& attrs = registry()[k].attrs;
    auto names = Napi::Array::New(info.Env(), attrs.size());
    for (uint32_t j = 0; j < attrs.size(); ++j) names.Set(j, attrs[j].name + (attrs[j].list ? "[]" : ""));
    ops.Set(k, names);
  }
  return ops;
}

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  setTargetThreads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// threadGovernor() -> { target, current, reductions, fixed } (governor.cc)
static Napi::Value ThreadGovernor(const Napi::CallbackInfo& info) {
  GovernorState g = governorState();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("target", g.target);
  o.Set("current", g.current);
  o.Set("reductions", static_cast<double>(g.reductions));
  o.Set("fixed", g.fixed);
  return o;
}

// workerSignalMasks() -> { workers, blocking }: for the test of signals.cc.
static Napi::Value WorkerSignalMasks(const Napi::CallbackInfo& info) {
  WorkerMasks m = workerSignalMasks();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("workers", m.workers);
  o.Set("blocking", m.blocking);
  return o;
}

static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

ConvLayout& convLayout() {
  static ConvLayout layout = ConvLayout::kAuto;
  return layout;
}

// setConvLayout(mode: 0 auto | 1 channels_last | 2 NCHW | 3 mixed)
static Napi::Value SetConvLayout(const Napi::CallbackInfo& info) {
  int mode = info[0].As<Napi::Number>().Int32Value();
  if (mode < 0 || mode > 3) throw Napi::Error::New(info.Env(), "libtorch: convolution layout must be 0, 1, 2 or 3");
  convLayout() = static_cast<ConvLayout>(mode);
  return info.Env().Undefined();
}

// setConvAlgorithm(mode: 0 auto | 1 oneDNN | 2 matrix product); false when the product is unavailable.
static Napi::Value SetConvAlgorithm(const Napi::CallbackInfo& info) {
  int mode = info[0].As<Napi::Number>().Int32Value();
  if (mode < 0 || mode > 2) throw Napi::Error::New(info.Env(), "libtorch: convolution algorithm must be 0, 1 or 2");
  if (mode == 2 && !gemmAvailable()) return Napi::Boolean::New(info.Env(), false);
  convAlgorithm() = static_cast<ConvAlgorithm>(mode);
  return Napi::Boolean::New(info.Env(), true);
}

std::vector<int64_t> memoryOrder(const at::Tensor& t) {
  std::vector<int64_t> order(t.dim());
  for (int64_t d = 0; d < t.dim(); ++d) order[d] = d;
  std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) { return t.stride(p) > t.stride(q); });
  return order;
}

at::Tensor dense(const at::Tensor& t) {
  if (t.is_non_overlapping_and_dense()) return t;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.stride(d) == 0 && t.size(d) > 1) return t.contiguous();
  // A slice of an NCHW-ordered activation stays NCHW-ordered.
  std::vector<int64_t> order = memoryOrder(t), sizes, back(t.dim());
  for (size_t k = 0; k < order.size(); ++k) {
    sizes.push_back(t.size(order[k]));
    back[order[k]] = static_cast<int64_t>(k);
  }
  return at::empty(sizes, t.options()).permute(back).copy_(t);
}

static Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TORCH_VERSION); }

// devices() -> [built with CUDA (0/1), GPUs visible]. ATen answers through its CUDA hooks, which a CPU-only
// libtorch has too (they say no), so this builds against any libtorch. "Built with CUDA" is hasCUDART(), a
// property of the build: hasCUDA() also needs a GPU and its driver, and is false for PyTorch's CUDA wheels on
// a machine without one, which must not be told that their libtorch lacks CUDA.
static bool builtWithCuda() {
  const at::CUDAHooksInterface& hooks = at::detail::getCUDAHooks();
  return hooks.hasCUDART() || hooks.hasCUDA();
}

static int64_t visibleGpus() { return at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0; }

static Napi::Value Devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, builtWithCuda() ? 1 : 0);
  out.Set(1u, static_cast<double>(visibleGpus()));
  return out;
}

// setDevice(name: "cpu" | "cuda" | "cuda:N") -> the device's canonical name. Throws when this libtorch cannot
// place tensors there (no CUDA, no GPU, no such GPU); tensors made before keep their device (see checkDevices).
static Napi::Value SetDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  try {
    c10::Device d(name);
    if (d.is_cuda()) {
      if (!builtWithCuda()) throw std::runtime_error("this libtorch " TORCH_VERSION " was built without CUDA");
      const int64_t gpus = visibleGpus();
      if (gpus == 0)
        throw std::runtime_error("this libtorch " TORCH_VERSION
                                 " has CUDA but sees no GPU (the NVIDIA driver, CUDA_VISIBLE_DEVICES)");
      const int64_t index = d.has_index() ? d.index() : 0;
      if (index >= gpus)
        throw std::runtime_error("this libtorch sees " + std::to_string(gpus) + " GPU(s), numbered from 0");
      d = c10::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    } else if (d.type() != at::kMeta && (!d.is_cpu() || d.has_index())) {
      // meta (tensors with shapes and no data) lets tests on a CPU-only machine check the device plumbing.
      throw std::runtime_error("only cpu, cuda and cuda:N are supported");
    }
    currentDevice() = d;
    return Napi::String::New(env, d.str());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, "libtorch: device '" + name + "': " + errorText(e));
  }
}

static Napi::Value GetDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), currentDevice().str());
}

// setCudnn(benchmark: bool, deterministic: bool): how cuDNN picks convolution algorithms (ATen's global
// context; a CPU-only libtorch keeps the flags and never reads them).
static Napi::Value SetCudnn(const Napi::CallbackInfo& info) {
  at::globalContext().setBenchmarkCuDNN(info[0].As<Napi::Boolean>().Value());
  at::globalContext().setDeterministicCuDNN(info[1].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

// getCudnn() -> [benchmark, deterministic]
static Napi::Value GetCudnn(const Napi::CallbackInfo& info) {
  auto out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, at::globalContext().benchmarkCuDNN());
  out.Set(1u, at::globalContext().deterministicCuDNN());
  return out;
}

std::vector<Entry> execute(const OpDef& def, const Args& args, int castTo) {
  c10::InferenceMode guard;
  // Every op runs on the intra-op thread count. Running ops under 2^19 values on the calling thread alone (to
  // skip waking the second thread) was tried: each such op got faster alone, but the whole SimpleCNN step slower,
  // 7.19 against 7.87 ms of ops replayed and 0.56 against 0.62 s an epoch; an op that reads what two threads
  // wrote pays on one thread for reading the other core's half (ReLU after a convolution: 110 against 45 us).
  Result r = def.fn(args);
  std::vector<Entry> outs;
  for (size_t k = 0; k < r.out.size(); ++k) {
    at::Tensor t = r.out[k];
    if (castTo >= 0) {
      t = t.to(scalarType(castTo));
    } else if (codeOf(t.scalar_type()) < 0) {
      // tfjs knows only float32/int32/bool: narrow what ATen widened.
      t = t.to(at::isFloatingType(t.scalar_type()) ? at::kFloat : at::kInt);
    }
    outs.push_back(Entry{dense(t), k == 0 ? r.aux : at::Tensor()});
  }
  return outs;
}

Napi::Array describeOutputs(Napi::Env env, const std::vector<int64_t>& ids) {
  auto flat = Napi::Array::New(env);
  uint32_t pos = 0;
  for (int64_t id : ids) {
    const at::Tensor& t = lookup(id).t;
    flat.Set(pos++, static_cast<double>(id));
    flat.Set(pos++, codeOf(t.scalar_type()));
    flat.Set(pos++, static_cast<double>(t.dim()));
    for (int64_t d = 0; d < t.dim(); ++d) flat.Set(pos++, static_cast<double>(t.size(d)));
  }
  return flat;
}

std::string failureText(const OpDef& def, const Args& args, const std::exception& e) {
  std::string shapes;
  for (auto* in : args.in) shapes += (shapes.empty() ? "" : ", ") + shapeOf(in->t);
  return std::string("libtorch op '") + def.name + "' failed for input shapes " + shapes + ": " + errorText(e);
}

// run(op: index, ids: number[], attrs: number[] (in the op's declared order, see op.h), castTo: code | -1)
//   -> [id, dtype, rank, ...dims] for each output, flattened
static Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t op = info[0].As<Napi::Number>().Uint32Value();
  if (op >= registry().size()) throw Napi::Error::New(env, "libtorch: unknown op index");
  const OpDef& def = registry()[op];
  governThreads();
  Args args;
  try {
    auto ids = info[1].As<Napi::Array>();
    std::vector<int64_t> in(ids.Length());
    for (uint32_t k = 0; k < ids.Length(); ++k) {
      in[k] = ids.Get(k).As<Napi::Number>().Int64Value();
      args.in.push_back(&lookup(in[k]));
    }
    auto attrs = info[2].As<Napi::Array>();
    std::vector<double> values(attrs.Length());
    for (uint32_t k = 0; k < attrs.Length(); ++k) values[k] = attrs.Get(k).As<Napi::Number>().DoubleValue();
    args.setAttrs(def, values);
    checkDevices(args);
    int castTo = info[3].As<Napi::Number>().Int32Value();
    std::vector<int64_t> out;
    for (Entry& e : execute(def, args, castTo)) out.push_back(keep(std::move(e)));
    if (Recorder* r = recorder()) r->ran(op, in, std::move(values), castTo, out);
    return describeOutputs(env, out);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, failureText(def, args, e));
  }
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Activations are freed and reallocated at every kernel. With glibc's default thresholds
  // large blocks go back to the OS and every reuse page-faults; keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  installCachingAllocator();
  // OpenMP's workers are started here, before any kernel can, so that they never take a signal (signals.cc).
  setTargetThreads(at::get_num_threads());
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("memoryBytes", Napi::Function::New(env, MemoryBytes));
  exports.Set("cachedBytes", Napi::Function::New(env, CachedBytes));
  exports.Set("numTensors", Napi::Function::New(env, NumTensors));
  exports.Set("opNames", Napi::Function::New(env, OpNames));
  exports.Set("opAttributes", Napi::Function::New(env, OpAttributes));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("threadGovernor", Napi::Function::New(env, ThreadGovernor));
  exports.Set("workerSignalMasks", Napi::Function::New(env, WorkerSignalMasks));
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("devices", Napi::Function::New(env, Devices));
  exports.Set("setDevice", Napi::Function::New(env, SetDevice));
  exports.Set("getDevice", Napi::Function::New(env, GetDevice));
  exports.Set("setHostLoops", Napi::Function::New(env, SetHostLoops));
  exports.Set("setCudnn", Napi::Function::New(env, SetCudnn));
  exports.Set("getCudnn", Napi::Function::New(env, GetCudnn));
  exports.Set("setConvLayout", Napi::Function::New(env, SetConvLayout));
  exports.Set("setConvAlgorithm", Napi::Function::New(env, SetConvAlgorithm));
  exports.Set("run", Napi::Function::New(env, Run));
  exportCapture(env, exports);
  exportRandom(env, exports);
  initDistributed(env, exports);
  return exports;
}

}  // namespace tl

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return tl::Init(env, exports); }

NODE_API_MODULE(tfjs_libtorch, InitAddon)
