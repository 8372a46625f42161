// Data-parallel collectives over libtorch's own c10d: a TCPStore rendezvous and a Gloo process group, one
// per process. Every call that talks to peers runs off the JS thread (an AsyncWorker that waits on the c10d
// work with the group's timeout) and settles a Promise; every C++ exception becomes a rejection with its
// message. Buffers are filled and copied back on the JS thread, so the tensor table is only touched there.
// A group that failed (a peer gone, a timeout) refuses further calls: its peers are out of step.
#include <napi.h>

#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../table.h"

// Gloo's headers come from libgloo-dev on Debian (an unpacked libtorch has its own); without them, no collectives.
// TL_NO_GLOO (TFJS_LIBTORCH_NO_GLOO=1 at build time) leaves the collectives out, for a libtorch whose c10d
// API this file was not written against (only Debian's 1.13 with libgloo-dev is built and tested).
#if !defined(TL_NO_GLOO) && __has_include(<gloo/algorithm.h>) && \
    __has_include(<torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>)
#define TL_HAVE_GLOO 1
#define USE_C10D_GLOO 1  // what the headers test for the Gloo process group
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace tl {

#if TL_HAVE_GLOO

static std::string messageOf(const std::exception& e) {
  if (auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

namespace {

using Millis = std::chrono::milliseconds;

struct Group {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank = 0;
  int size = 1;
  Millis timeout{0};
  std::string broken;  // why the group can no longer be used (empty: it can)
  bool busy = false;   // a collective is in flight (JS runs them one at a time)
};

// Never destroyed at exit: a ProcessGroupGloo's destructor joins its threads, which may still wait on a peer.
Group* group = nullptr;
bool joining = false;

// A worker whose result is a Promise, like Napi::AsyncWorker but with a thread of its own rather than one of
// libuv's pool: process exit joins the pool's threads, so a rank waiting there for its peers (up to the
// timeout) would hold a Ctrl-C'd process that long. Execute runs on that thread; OnOK, or Failed and the
// rejection, on the JS thread; then the worker deletes itself.
class PromiseWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : env_(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  virtual ~PromiseWorker() = default;
  Napi::Promise promise() { return deferred_.Promise(); }
  Napi::Env Env() const { return env_; }

  void Queue() {
    auto done = Napi::ThreadSafeFunction::New(env_, Napi::Function::New(env_, [](const Napi::CallbackInfo&) {}),
                                              "tfjs-libtorch-c10d", 0, 1);
    std::thread([this, done]() mutable {
      Execute();
      // Queued for the JS thread; `this` is not touched here after it. At exit it may never run.
      done.BlockingCall([this](Napi::Env, Napi::Function) { Settle(); });
      done.Release();
    }).detach();
  }

 protected:
  virtual void Execute() = 0;
  virtual void OnOK() = 0;
  virtual void Failed(const std::string& message) {}
  void SetError(const std::string& message) { error_ = message.empty() ? "unknown error" : message; }
  Napi::Env env_;
  std::string error_;
  Napi::Promise::Deferred deferred_;

 private:
  void Settle() {
    Napi::HandleScope scope(env_);
    if (error_.empty()) {
      OnOK();
    } else {
      Failed(error_);
      deferred_.Reject(Napi::Error::New(env_, error_).Value());
    }
    delete this;
  }
};

// The transport device: the interface GLOO_SOCKET_IFNAME names (as torch does), loopback for a loopback
// master, else the address this machine's hostname resolves to.
std::shared_ptr<gloo::transport::Device> makeDevice(const std::string& masterAddr) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (masterAddr == "127.0.0.1" || masterAddr == "localhost")
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

// The store's classic socket server, which every libtorch has: from 2.4 the options ask for the libuv one by
// default (the field came in 2.2), which a libtorch built without libuv (Debian 13's 2.6) refuses. 1.13 has no
// such field, hence the overload.
template <typename Options>
auto useSocketStore(Options& o, int) -> decltype(o.useLibUV = false, void()) {
  o.useLibUV = false;
}
template <typename Options>
void useSocketStore(Options&, long) {}

class JoinWorker : public PromiseWorker {
 public:
  JoinWorker(Napi::Env env, std::string addr, int port, int size, int rank, Millis timeout)
      : PromiseWorker(env), addr_(std::move(addr)), port_(port), size_(size), rank_(rank), timeout_(timeout) {}

  void Execute() override {
    try {
      c10d::TCPStoreOptions opts;
      opts.port = static_cast<uint16_t>(port_);
      opts.isServer = rank_ == 0;
      opts.numWorkers = static_cast<size_t>(size_);
      opts.waitWorkers = true;
      opts.timeout = timeout_;
      useSocketStore(opts, 0);
      store_ = c10::make_intrusive<c10d::TCPStore>(addr_, opts);
      auto options = c10d::ProcessGroupGloo::Options::create(timeout_);
      options->devices.push_back(makeDevice(addr_));
      pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, rank_, size_, options);
    } catch (const std::exception& e) {
      SetError("joining the process group at " + addr_ + ":" + std::to_string(port_) + " as rank " +
               std::to_string(rank_) + " of " + std::to_string(size_) + " failed: " + messageOf(e));
    }
  }

  void OnOK() override {
    joining = false;
    group = new Group{store_, pg_, rank_, size_, timeout_, "", false};
    deferred_.Resolve(Env().Undefined());
  }

  void Failed(const std::string&) override { joining = false; }

 private:
  std::string addr_;
  int port_, size_, rank_;
  Millis timeout_;
  c10::intrusive_ptr<c10d::TCPStore> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
};

enum class Kind { kAllreduce = 0, kBroadcast = 1, kBarrier = 2 };
// Reduction codes shared with src/distributed.ts; kAvg is a sum divided here (Gloo has no average).
enum Reduce { kSum = 0, kAvg = 1, kMax = 2, kMin = 3 };

// Where a tensor's values sit in the flat buffers.
struct Slice {
  at::Tensor target;
  size_t buffer;
  int64_t offset;  // in elements (allreduce) or bytes (broadcast)
  int64_t length;
};

// FNV-1a over 64-bit words, kept to 62 bits so that its negation fits too.
struct Fingerprint {
  uint64_t h = 1469598103934665603ull;
  void add(int64_t v) {
    for (int k = 0; k < 8; ++k) {
      h ^= (static_cast<uint64_t>(v) >> (8 * k)) & 0xff;
      h *= 1099511628211ull;
    }
  }
  int64_t value() const { return static_cast<int64_t>(h >> 2); }
};

std::string describe(Kind kind) {
  return kind == Kind::kAllreduce ? "allreduce" : kind == Kind::kBroadcast ? "broadcast" : "barrier";
}

class CollectiveWorker : public PromiseWorker {
 public:
  CollectiveWorker(Napi::Env env, Kind kind, int reduce, int root, std::vector<at::Tensor> buffers,
                   std::vector<Slice> slices, int64_t fingerprint)
      : PromiseWorker(env),
        kind_(kind),
        reduce_(reduce),
        root_(root),
        buffers_(std::move(buffers)),
        slices_(std::move(slices)),
        fingerprint_(fingerprint) {}

  void Execute() override {
    Group& g = *group;
    try {
      // First every rank checks that the others call the same collective on the same shapes and dtypes: a
      // mismatch fails here, on every rank, and leaves the group in step (nothing else was exchanged).
      if (kind_ != Kind::kBarrier) {
        std::vector<at::Tensor> sig{at::tensor({fingerprint_, -fingerprint_}, at::kLong)};
        c10d::AllreduceOptions max;
        max.reduceOp = c10d::ReduceOp::MAX;
        max.timeout = g.timeout;
        waitFor(g.pg->allreduce(sig, max), g);
        if (sig[0][0].item<int64_t>() != fingerprint_ || sig[0][1].item<int64_t>() != -fingerprint_) {
          mismatch_ = true;
          throw std::runtime_error(
              "the ranks called it with different tensors (shapes, dtypes, count, operation or root differ "
              "between ranks)");
        }
      }
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      if (kind_ == Kind::kBarrier) {
        c10d::BarrierOptions opts;
        opts.timeout = g.timeout;
        works.push_back(g.pg->barrier(opts));
      }
      for (auto& b : buffers_) {
        std::vector<at::Tensor> one{b};
        if (kind_ == Kind::kAllreduce) {
          c10d::AllreduceOptions opts;
          opts.reduceOp = reduce_ == kMax   ? c10d::ReduceOp::MAX
                          : reduce_ == kMin ? c10d::ReduceOp::MIN
                                            : c10d::ReduceOp::SUM;
          opts.timeout = g.timeout;
          works.push_back(g.pg->allreduce(one, opts));
        } else {
          c10d::BroadcastOptions opts;
          opts.rootRank = root_;
          opts.timeout = g.timeout;
          works.push_back(g.pg->broadcast(one, opts));
        }
      }
      for (auto& w : works) waitFor(w, g);
    } catch (const std::exception& e) {
      SetError(describe(kind_) + " on rank " + std::to_string(g.rank) + " of " + std::to_string(g.size) +
               " failed: " + messageOf(e));
    }
  }

  void OnOK() override {
    Group& g = *group;
    g.busy = false;
    try {
      c10::InferenceMode guard;  // the targets are the table's inference tensors
      for (auto& s : slices_) {
        at::Tensor& b = buffers_[s.buffer];
        if (kind_ == Kind::kBroadcast) {
          at::Tensor src = at::empty(s.target.sizes(), s.target.options());
          std::memcpy(src.data_ptr(), static_cast<uint8_t*>(b.data_ptr()) + s.offset, s.length);
          s.target.copy_(src);
        } else {
          at::Tensor part = b.narrow(0, s.offset, s.length).view(s.target.sizes());
          if (reduce_ == kAvg) part = part / g.size;
          s.target.copy_(part);
        }
      }
      deferred_.Resolve(Env().Undefined());
    } catch (const std::exception& e) {
      deferred_.Reject(Napi::Error::New(Env(), describe(kind_) + " failed: " + messageOf(e)).Value());
    }
  }

  void Failed(const std::string& message) override {
    group->busy = false;
    if (!mismatch_) group->broken = message;
  }

 private:
  // Waits for one work, never longer than the group's timeout; its failure becomes an exception.
  static void waitFor(const c10::intrusive_ptr<c10d::Work>& work, const Group& g) {
    if (!work->wait(g.timeout)) throw std::runtime_error("the operation was aborted");
  }

  Kind kind_;
  int reduce_, root_;
  std::vector<at::Tensor> buffers_;
  std::vector<Slice> slices_;
  int64_t fingerprint_;
  bool mismatch_ = false;
};

Group& usableGroup(Napi::Env env, const char* what) {
  if (!group)
    throw Napi::Error::New(env, std::string(what) + ": this process has not joined a process group (call join first)");
  if (!group->broken.empty())
    throw Napi::Error::New(env, std::string(what) + ": the process group failed earlier and cannot be used (" +
                                    group->broken + "); leave it and start the job again");
  if (group->busy)
    throw Napi::Error::New(env, std::string(what) + ": another collective is still running (await it first)");
  return *group;
}

std::vector<at::Tensor> targetsOf(const Napi::Value& v) {
  auto ids = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t k = 0; k < ids.Length(); ++k) out.push_back(lookup(ids.Get(k).As<Napi::Number>().Int64Value()).t);
  return out;
}

// join(addr, port, worldSize, rank, timeoutMs) -> Promise<void>
Napi::Value Join(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (group || joining) throw Napi::Error::New(env, "join: this process is already in a process group");
  // Gloo reduces host memory; GPU tensors would need NCCL (c10d's ProcessGroupNCCL), which is not built in.
  if (!currentDevice().is_cpu())
    throw Napi::Error::New(env, "join: data-parallel training runs on the CPU only (Gloo); the backend's device is " +
                                    currentDevice().str() + " (GPUs would need NCCL)");
  std::string addr = info[0].As<Napi::String>().Utf8Value();
  int port = info[1].As<Napi::Number>().Int32Value();
  int size = info[2].As<Napi::Number>().Int32Value();
  int rank = info[3].As<Napi::Number>().Int32Value();
  int64_t timeout = info[4].As<Napi::Number>().Int64Value();
  if (port < 1 || port > 65535) throw Napi::Error::New(env, "join: the port must be in 1-65535");
  if (size < 1 || rank < 0 || rank >= size) throw Napi::Error::New(env, "join: the rank must be in 0..worldSize-1");
  if (timeout < 1) throw Napi::Error::New(env, "join: the timeout must be at least 1 ms");
  auto* w = new JoinWorker(env, addr, port, size, rank, Millis(timeout));
  Napi::Promise p = w->promise();
  joining = true;
  w->Queue();
  return p;
}

// allreduce(ids, reduce, bucketBytes) -> Promise<void>: in place, dtype by dtype, in buckets of bucketBytes.
// broadcast(ids, root, bucketBytes) -> Promise<void>: in place, as raw bytes.
Napi::Value Collective(const Napi::CallbackInfo& info, Kind kind) {
  Napi::Env env = info.Env();
  std::string what = describe(kind);
  Group& g = usableGroup(env, what.c_str());
  int reduce = kind == Kind::kAllreduce ? info[1].As<Napi::Number>().Int32Value() : kSum;
  int root = kind == Kind::kBroadcast ? info[1].As<Napi::Number>().Int32Value() : 0;
  int64_t bucketBytes = std::max<int64_t>(1, info[2].As<Napi::Number>().Int64Value());
  if (reduce < kSum || reduce > kMin) throw Napi::Error::New(env, what + ": unknown reduction");
  if (root < 0 || root >= g.size) throw Napi::Error::New(env, what + ": the root must be a rank of the group");
  std::vector<at::Tensor> targets;
  try {
    targets = targetsOf(info[0]);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, what + ": " + messageOf(e));
  }
  Fingerprint fp;
  fp.add(static_cast<int64_t>(kind));
  fp.add(reduce);
  fp.add(root);
  fp.add(static_cast<int64_t>(targets.size()));
  for (auto& t : targets) {
    fp.add(static_cast<int64_t>(t.scalar_type()));
    fp.add(t.dim());
    for (int64_t d = 0; d < t.dim(); ++d) fp.add(t.size(d));
    if (kind == Kind::kAllreduce && t.scalar_type() != at::kFloat && t.scalar_type() != at::kInt)
      throw Napi::Error::New(env, what + ": only float32 and int32 tensors can be reduced");
    if (kind == Kind::kAllreduce && reduce == kAvg && t.scalar_type() != at::kFloat)
      throw Napi::Error::New(env, what + ": only float32 tensors can be averaged");
  }
  std::vector<at::Tensor> buffers;
  std::vector<Slice> slices;
  try {
    if (kind == Kind::kBroadcast) {
      // Raw bytes: one buffer kind for every dtype.
      std::vector<int64_t> sizes;
      for (auto& t : targets) {
        int64_t n = t.numel() * static_cast<int64_t>(t.element_size());
        if (sizes.empty() || sizes.back() + n > bucketBytes) sizes.push_back(0);
        slices.push_back({t, sizes.size() - 1, sizes.back(), n});
        sizes.back() += n;
      }
      for (int64_t s : sizes) buffers.push_back(at::empty({s}, at::kByte));
      for (auto& s : slices) {
        if (s.length == 0) continue;
        at::Tensor c = s.target.contiguous();
        std::memcpy(static_cast<uint8_t*>(buffers[s.buffer].data_ptr()) + s.offset, c.data_ptr(), s.length);
      }
    } else {
      // One run of buckets per dtype, each bucket a flat tensor of that dtype.
      for (at::ScalarType type : {at::kFloat, at::kInt}) {
        std::vector<int64_t> sizes;
        size_t first = buffers.size() + 0;
        for (auto& t : targets) {
          if (t.scalar_type() != type) continue;
          int64_t n = t.numel();
          if (sizes.empty() || (sizes.back() + n) * static_cast<int64_t>(t.element_size()) > bucketBytes)
            sizes.push_back(0);
          slices.push_back({t, first + sizes.size() - 1, sizes.back(), n});
          sizes.back() += n;
        }
        for (int64_t s : sizes) buffers.push_back(at::empty({s}, at::TensorOptions().dtype(type)));
      }
      for (auto& s : slices) buffers[s.buffer].narrow(0, s.offset, s.length).copy_(s.target.reshape({-1}));
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, what + ": " + messageOf(e));
  }
  auto* w = new CollectiveWorker(env, kind, reduce, root, std::move(buffers), std::move(slices), fp.value());
  Napi::Promise p = w->promise();
  g.busy = true;
  w->Queue();
  return p;
}

Napi::Value Allreduce(const Napi::CallbackInfo& info) { return Collective(info, Kind::kAllreduce); }
Napi::Value Broadcast(const Napi::CallbackInfo& info) { return Collective(info, Kind::kBroadcast); }

// barrier() -> Promise<void>
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Group& g = usableGroup(env, "barrier");
  auto* w = new CollectiveWorker(env, Kind::kBarrier, kSum, 0, {}, {}, 0);
  Napi::Promise p = w->promise();
  g.busy = true;
  w->Queue();
  return p;
}

// leave(): drops the group. A failed group is left to the OS at exit: its threads may still wait on a peer.
Napi::Value Leave(const Napi::CallbackInfo& info) {
  if (!group) return info.Env().Undefined();
  if (group->busy) throw Napi::Error::New(info.Env(), "leave: a collective is still running (await it first)");
  if (group->broken.empty()) delete group;
  group = nullptr;
  return info.Env().Undefined();
}

// groupInfo() -> {rank, worldSize, timeoutMs, broken} | null
Napi::Value GroupInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!group) return env.Null();
  auto o = Napi::Object::New(env);
  o.Set("rank", group->rank);
  o.Set("worldSize", group->size);
  o.Set("timeoutMs", static_cast<double>(group->timeout.count()));
  o.Set("broken", group->broken);
  return o;
}

}  // namespace

void initDistributed(Napi::Env env, Napi::Object exports) {
  auto d = Napi::Object::New(env);
  d.Set("join", Napi::Function::New(env, Join));
  d.Set("allreduce", Napi::Function::New(env, Allreduce));
  d.Set("broadcast", Napi::Function::New(env, Broadcast));
  d.Set("barrier", Napi::Function::New(env, Barrier));
  d.Set("leave", Napi::Function::New(env, Leave));
  d.Set("groupInfo", Napi::Function::New(env, GroupInfo));
  exports.Set("distributed", d);
}

#else

// Built without Gloo's headers (libgloo-dev), or told to leave them out: the addon says so instead of offering
// collectives.
void initDistributed(Napi::Env env, Napi::Object exports) {
#ifdef TL_NO_GLOO
  const char* why = "this build left the Gloo collectives out (TFJS_LIBTORCH_NO_GLOO=1; rebuild without it)";
#else
  const char* why = "this build has no c10d/Gloo (install libgloo-dev and rebuild the addon)";
#endif
  exports.Set("distributedUnavailable", Napi::String::New(env, why));
}

#endif

}  // namespace tl
