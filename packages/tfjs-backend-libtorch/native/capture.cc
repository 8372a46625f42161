// Training-step capture and replay.
//
// Recording: while a step runs as usual, every native op is noted (its inputs by id, its attributes, its
// outputs), with the tensors JavaScript writes (scalars, seeds of gradients) and any read of tensor values.
// Compiling takes two recorded steps and the roles JavaScript gives their ids: the batch inputs, the state
// (every variable: weights, BatchNorm statistics, optimizer moments) before and after, and the outputs (the
// loss). Each input of each op is resolved to what it is: a batch input, a state variable, an output of an
// earlier op of the step, a constant the step wrote, or a tensor from outside the step (kept by id). The two
// steps must agree op by op: same ops, same attributes, same constants, same structure. Whatever differs
// between two steps (a seed or random numbers written by JavaScript, a value computed in JavaScript from the
// data, a read of a tensor's values that JavaScript could branch on) makes compiling fail with the reason, and
// the caller keeps the plain path. The one attribute allowed to change is the optimizers' learning rate, which
// must follow the rate the caller passes (a schedule): replay scales it.
//
// Compiling also runs some chains of ops as one op that gives the same values bit for bit with fewer passes over
// memory (fuse: ReLU's gradient into a max pool's; fuseNormReluPool: BatchNorm, ReLU and max pool), and leaves out
// ops whose results nothing needs.
//
// Replay runs the ops on the new batch in order, frees each intermediate after its last use (a plain tfjs
// step keeps them until its scope ends), and finally swaps the new state into the variables' table entries in
// place, so the tfjs variables keep their ids and are current after every step: nothing has to be written
// back. A failure leaves the state as it was. This is TorchScript tracing's idea (and a CUDA graph's) with
// their rule for state (only what the caller names as state may change) and for randomness: an op marked
// random (OpDef::random: a dropout mask) draws from the backend's own generator, so it is never left out or
// taken for a constant, and replay runs it again in its recorded place, drawing fresh numbers — exactly the
// numbers the same plain step would draw, since plain, recorded and replayed steps advance the one generator
// alike (a failed replay puts it back as it was). A seed or numbers JavaScript draws and writes differ between
// the recordings and are refused.
#include "capture.h"

#include "governor.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace tl {

namespace {

struct TracedOp {
  uint32_t op;
  std::vector<int64_t> in;
  std::vector<double> attrs;
  int castTo;
  std::vector<int64_t> out;
};

struct Trace : Recorder {
  std::vector<TracedOp> ops;
  std::unordered_map<int64_t, at::Tensor> writes;  // written during the step
  std::unordered_set<int64_t> outside;             // from before the step (ids only: ids are never reused)
  std::unordered_map<int64_t, std::pair<size_t, size_t>> producer;  // op output -> (op, output)
  int64_t readId = 0;                                               // a tensor whose values were read

  void ran(uint32_t op, const std::vector<int64_t>& in, std::vector<double> attrs, int castTo,
           const std::vector<int64_t>& out) override {
    for (int64_t id : in)
      if (!producer.count(id) && !writes.count(id)) outside.insert(id);
    for (size_t k = 0; k < out.size(); ++k) producer[out[k]] = {ops.size(), k};
    ops.push_back(TracedOp{op, in, std::move(attrs), castTo, out});
  }
  void written(int64_t id, const at::Tensor& t) override { writes[id] = t; }
  void read(int64_t id) override {
    if (!readId) readId = id;
  }
};

// What an op input is, in a compiled step.
struct Ref {
  enum Kind { kInput, kState, kSlot, kConst, kOutside } kind;
  int64_t index;  // input, state or slot number; constant number; the outside tensor's id
};

struct Step {
  const OpDef* def;
  std::vector<Ref> in;
  std::vector<double> attrs;
  std::vector<size_t> ratePositions;  // learning-rate attributes, scaled at replay
  int castTo;
  size_t firstSlot;
  std::vector<size_t> freeAfter;  // slots whose last use is this step
};

struct Program {
  std::vector<Step> steps;
  std::vector<Entry> consts;
  std::vector<Ref> stateAfter;
  std::vector<Ref> outputs;
  std::vector<std::vector<int64_t>> inputShapes;
  size_t slots = 0;
  size_t state = 0;
  double rate = 1;
  bool random = false;  // draws from the backend's generator
  size_t fused = 0;     // chains of ops run as one (fuse, fuseNormReluPool)
  // MEDCNN_REPLAY_PROFILE=1: seconds spent in each step over all replays, printed when the program is released.
  std::vector<double> seconds;
  std::vector<std::string> shapes;  // of each op's first input
  size_t replays = 0;
};

bool profiling() {
  static const bool on = [] {
    const char* v = std::getenv("MEDCNN_REPLAY_PROFILE");
    return v && std::string(v) == "1";
  }();
  return on;
}

// The profile of a program's replays, slowest ops first, to stderr.
void printProfile(const Program& p) {
  if (!p.replays) return;
  std::vector<size_t> order(p.steps.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return p.seconds[x] > p.seconds[y]; });
  double total = 0;
  for (double t : p.seconds) total += t;
  std::ostringstream s;
  s << "replay profile: " << p.steps.size() << " ops, " << p.replays << " replays, " << 1e3 * total / p.replays
    << " ms a step in ops\n";
  for (size_t i : order)
    s << "  op " << i << " " << p.steps[i].def->name << " " << p.shapes[i] << ": " << 1e3 * p.seconds[i] / p.replays
      << " ms\n";
  std::fputs(s.str().c_str(), stderr);
}

// The ids a step's roles name (from JavaScript).
struct Roles {
  std::vector<int64_t> inputs, stateBefore, stateAfter, outputs;
  double rate;
};

Trace* active = nullptr;
int64_t nextHandle = 1;
std::unordered_map<int64_t, std::unique_ptr<Trace>> traces;
std::unordered_map<int64_t, std::unique_ptr<Program>> programs;

std::vector<int64_t> ids(const Napi::Value& v) {
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

Roles roles(const Napi::Value& v) {
  auto arr = v.As<Napi::Array>();
  return Roles{ids(arr.Get(0u)), ids(arr.Get(1u)), ids(arr.Get(2u)), ids(arr.Get(3u)),
               arr.Get(4u).As<Napi::Number>().DoubleValue()};
}

std::string sizesOf(const at::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// The position in an op's flat attributes of attribute `name` (a number, not a list), or -1.
long attrPosition(const OpDef& def, const std::vector<double>& flat, const std::string& name) {
  size_t pos = 0;
  for (const AttrSpec& a : def.attrs) {
    if (a.name == name && !a.list) return static_cast<long>(pos);
    pos += a.list ? 1 + static_cast<size_t>(flat.at(pos)) : 1;
  }
  return -1;
}

bool isOptimizer(const OpDef& def) {
  std::string n = def.name;
  return n == "adam" || n == "sgd" || n == "momentum";
}

// Resolves an id of a trace to what it is, given the roles and the slot numbers of the trace's ops.
class Resolver {
 public:
  Resolver(const Trace& t, const Roles& r, const std::vector<size_t>& slotBase) : t_(t), slotBase_(slotBase) {
    for (size_t k = 0; k < r.inputs.size(); ++k) input_[r.inputs[k]] = k;
    for (size_t k = 0; k < r.stateBefore.size(); ++k) state_[r.stateBefore[k]] = k;
  }
  Ref operator()(int64_t id, const char* what) const {
    if (auto it = input_.find(id); it != input_.end()) return {Ref::kInput, static_cast<int64_t>(it->second)};
    if (auto it = state_.find(id); it != state_.end()) return {Ref::kState, static_cast<int64_t>(it->second)};
    if (auto it = t_.producer.find(id); it != t_.producer.end())
      return {Ref::kSlot, static_cast<int64_t>(slotBase_[it->second.first] + it->second.second)};
    if (t_.writes.count(id)) return {Ref::kConst, id};
    if (t_.outside.count(id)) return {Ref::kOutside, id};
    throw std::runtime_error(std::string(what) + " is a tensor the step neither made nor used");
  }
  const at::Tensor& written(int64_t id) const { return t_.writes.at(id); }

 private:
  const Trace& t_;
  const std::vector<size_t>& slotBase_;
  std::unordered_map<int64_t, size_t> input_, state_;
};

// The same tensor content (dtype, sizes and values).
bool sameContent(const at::Tensor& a, const at::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && at::equal(a, b);
}

bool sameRef(const Ref& x, const Ref& y) { return x.kind == y.kind && x.index == y.index; }

bool sameRefs(const std::vector<Ref>& x, const std::vector<Ref>& y) {
  return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), sameRef);
}

const OpDef* opNamed(const char* name) {
  for (const OpDef& d : registry())
    if (std::strcmp(d.name, name) == 0) return &d;
  return nullptr;
}

// Pairs of ops run as one op that gives the same values bit for bit with a pass over memory fewer (the plain step
// runs them apart): ReLU's gradient after the gradient of a max pool of that ReLU's output, as max_pool_grad_relu
// (native/kernels/pool.cc says why the values are the same; SimpleCNN's, VGG's and AlexNet's blocks end in ReLU and
// a pool). `outs`: each step's number of outputs; `kept`: slots needed after the last op. Returns how many.
size_t fuse(std::vector<Step>& steps, const std::vector<size_t>& outs, const std::vector<bool>& kept, size_t slots) {
  static const OpDef *relu = opNamed("relu"), *reluGrad = opNamed("relu_grad"), *poolGrad = opNamed("max_pool_grad"),
                     *poolGradRelu = opNamed("max_pool_grad_relu");
  std::vector<long> producer(slots, -1);
  std::vector<int> uses(slots, 0);
  for (size_t i = 0; i < steps.size(); ++i) {
    for (size_t k = 0; k < outs[i]; ++k) producer[steps[i].firstSlot + k] = static_cast<long>(i);
    for (const Ref& r : steps[i].in)
      if (r.kind == Ref::kSlot) ++uses[r.index];
  }
  auto producedBy = [&](const Ref& r, const OpDef* def) -> Step* {
    if (r.kind != Ref::kSlot || producer[r.index] < 0) return nullptr;
    Step& s = steps[producer[r.index]];
    return s.def == def && static_cast<int64_t>(s.firstSlot) == r.index ? &s : nullptr;
  };
  size_t fused = 0;
  for (Step& g : steps) {
    if (g.def != reluGrad || g.in.size() != 2 || kept[g.firstSlot]) continue;
    const Ref dy = g.in[0], x = g.in[1];
    Step* pool = producedBy(dy, poolGrad);
    if (!pool || uses[dy.index] != 1 || kept[dy.index] || (g.castTo >= 0 && g.castTo != pool->castTo)) continue;
    Step* act = producedBy(pool->in.at(1), relu);
    if (!act || act->in.size() != 1 || !sameRef(act->in[0], x)) continue;
    pool->def = poolGradRelu;
    // ReLU's gradient is left unused (and out, as every unused op): its readers read the fused op's output.
    const Ref from{Ref::kSlot, static_cast<int64_t>(g.firstSlot)};
    for (Step& s : steps)
      for (Ref& r : s.in)
        if (sameRef(r, from)) r = dy;
    g.in.clear();  // read by nothing now: no reader of its inputs either
    ++fused;
  }
  return fused;
}

// A BatchNorm whose output only a ReLU reads, whose ReLU's output only a max pool of windows that tile the image
// reads (and that pool's gradient, fused with ReLU's), as one op that gives the same values bit for bit in one pass
// over the BatchNorm's input (batch_norm_relu_max_pool, native/kernels/batch_norm_training.cc): the normalised and
// the rectified activations are never written. The pool's gradient then takes the indices alone
// (max_pool_grad_relu_tiled). SimpleCNN's blocks are this chain. Returns how many. Runs after fuse.
size_t fuseNormReluPool(std::vector<Step>& steps, const std::vector<bool>& kept, size_t slots) {
  static const OpDef *norm = opNamed("batch_norm_training"), *relu = opNamed("relu"), *pool = opNamed("max_pool"),
                     *poolGradRelu = opNamed("max_pool_grad_relu"), *all = opNamed("batch_norm_relu_max_pool"),
                     *tiledGrad = opNamed("max_pool_grad_relu_tiled");
  if (!currentDevice().is_cpu() || hostLoopsOff()) return 0;
  std::vector<std::vector<std::pair<size_t, size_t>>> readers(slots);  // slot -> (step, input position)
  for (size_t i = 0; i < steps.size(); ++i)
    for (size_t k = 0; k < steps[i].in.size(); ++k)
      if (steps[i].in[k].kind == Ref::kSlot) readers[steps[i].in[k].index].emplace_back(i, k);
  // The pool's geometry: filterHeight filterWidth strideHeight strideWidth padTop padBottom padLeft padRight.
  auto tiles = [](const std::vector<double>& g) {
    return g.size() == 8 && g[0] == g[2] && g[1] == g[3] && g[4] == 0 && g[5] == 0 && g[6] == 0 && g[7] == 0;
  };
  // Outputs kept as float32 (the ops' own type): a cast to another type would sit between the fused ops.
  auto float32 = [](int castTo) { return castTo < 0 || scalarType(castTo) == at::kFloat; };
  size_t fused = 0;
  for (Step& bn : steps) {
    const size_t y = bn.firstSlot;
    if (bn.def != norm || !float32(bn.castTo) || kept[y] || readers[y].size() != 1) continue;
    Step& act = steps[readers[y][0].first];
    const size_t r = act.firstSlot;
    if (act.def != relu || !float32(act.castTo) || act.in.size() != 1 || kept[r]) continue;
    Step* p = nullptr;
    std::vector<Step*> grads;
    bool only = true;
    for (auto [i, k] : readers[r]) {
      Step& s = steps[i];
      if (s.def == pool && k == 0 && !p && float32(s.castTo))
        p = &s;
      else if (s.def == poolGradRelu && k == 1)
        grads.push_back(&s);
      else
        only = false;
    }
    if (!only || !p || kept[p->firstSlot] || !tiles(p->attrs)) continue;
    const Ref pooled{Ref::kSlot, static_cast<int64_t>(p->firstSlot)};
    for (Step* g : grads) only = only && sameRef(g->in.at(2), pooled) && g->attrs == p->attrs;
    if (!only) continue;
    // The fused op takes BatchNorm's place and slots: its first output, the pooled values, where y was.
    const Ref fusedOut{Ref::kSlot, static_cast<int64_t>(y)};
    for (Step& s : steps)
      for (Ref& ref : s.in)
        if (sameRef(ref, pooled)) ref = fusedOut;
    for (Step* g : grads) {
      g->def = tiledGrad;
      g->in[1] = bn.in.at(0);  // the pool input's shape
    }
    bn.def = all;
    bn.attrs.insert(bn.attrs.end(), p->attrs.begin(), p->attrs.end());
    act.in.clear();
    p->in.clear();
    ++fused;
  }
  return fused;
}

std::unique_ptr<Program> compile(const Trace& a, const Trace& b, const Roles& ra, const Roles& rb) {
  auto refuse = [](const std::string& why) { throw std::runtime_error(why); };
  if (a.readId || b.readId)
    refuse("the step reads tensor values (a kernel without a native version, or a value JavaScript decides on)");
  if (a.ops.size() != b.ops.size())
    refuse("two steps ran " + std::to_string(a.ops.size()) + " and " + std::to_string(b.ops.size()) + " ops");
  if (ra.inputs.size() != rb.inputs.size() || ra.stateBefore.size() != rb.stateBefore.size() ||
      ra.stateAfter.size() != ra.stateBefore.size() || rb.stateAfter.size() != rb.stateBefore.size() ||
      ra.outputs.size() != rb.outputs.size())
    refuse("the two steps' inputs, state or outputs differ in number");
  std::vector<size_t> slotBase(a.ops.size());
  auto program = std::make_unique<Program>();
  for (size_t i = 0; i < a.ops.size(); ++i) {
    slotBase[i] = program->slots;
    program->slots += a.ops[i].out.size();
  }
  Resolver ia(a, ra, slotBase), ib(b, rb, slotBase);
  std::unordered_map<int64_t, size_t> constIndex;  // A's id -> constant number
  auto agree = [&](int64_t idA, int64_t idB, const std::string& what) -> Ref {
    Ref x = ia(idA, what.c_str()), y = ib(idB, what.c_str());
    if (x.kind != y.kind || (x.kind != Ref::kConst && x.index != y.index))
      refuse(what + " is not the same tensor in two steps");
    if (x.kind == Ref::kConst) {
      if (!sameContent(ia.written(idA), ib.written(idB)))
        refuse(what + " is a value written by JavaScript that changes between steps (" + sizesOf(ia.written(idA)) +
               ")");
      auto [it, added] = constIndex.emplace(idA, program->consts.size());
      if (added) program->consts.push_back(Entry{ia.written(idA), {}});
      x.index = static_cast<int64_t>(it->second);
    }
    return x;
  };
  std::vector<Step> steps;
  for (size_t i = 0; i < a.ops.size(); ++i) {
    const TracedOp &oa = a.ops[i], &ob = b.ops[i];
    const OpDef& def = registry()[oa.op];
    std::string where = "input of op " + std::to_string(i) + " (" + def.name + ")";
    if (oa.op != ob.op)
      refuse("op " + std::to_string(i) + " is " + def.name + " in one step and " + registry()[ob.op].name +
             " in the next");
    if (oa.in.size() != ob.in.size() || oa.out.size() != ob.out.size() || oa.castTo != ob.castTo ||
        oa.attrs.size() != ob.attrs.size())
      refuse("op " + std::to_string(i) + " (" + def.name + ") differs in form between two steps");
    Step s{&def, {}, oa.attrs, {}, oa.castTo, slotBase[i], {}};
    long ratePos = isOptimizer(def) ? attrPosition(def, oa.attrs, "learningRate") : -1;
    for (size_t k = 0; k < oa.attrs.size(); ++k) {
      if (static_cast<long>(k) == ratePos) {
        double expected = ra.rate == 0 ? oa.attrs[k] : oa.attrs[k] * rb.rate / ra.rate;
        if (std::abs(ob.attrs[k] - expected) > 1e-9 * std::max(1.0, std::abs(expected)))
          refuse("the learning rate of op " + std::to_string(i) + " (" + def.name +
                 ") does not follow the rate the caller gives");
        s.ratePositions.push_back(k);
      } else if (!(oa.attrs[k] == ob.attrs[k] || (std::isnan(oa.attrs[k]) && std::isnan(ob.attrs[k])))) {
        refuse("an attribute of op " + std::to_string(i) + " (" + def.name + ") changes between steps (" +
               std::to_string(oa.attrs[k]) + ", then " + std::to_string(ob.attrs[k]) +
               "): randomness or a value computed in JavaScript");
      }
    }
    for (size_t k = 0; k < oa.in.size(); ++k) s.in.push_back(agree(oa.in[k], ob.in[k], where));
    steps.push_back(std::move(s));
  }
  // What is needed after the last op: the new state and the outputs.
  std::vector<bool> needed(program->slots, false), kept(program->slots, false);
  for (size_t j = 0; j < ra.stateAfter.size(); ++j) {
    Ref r = agree(ra.stateAfter[j], rb.stateAfter[j], "the new value of state variable " + std::to_string(j));
    if (r.kind == Ref::kInput) refuse("a state variable takes a batch input as its value");
    if (r.kind == Ref::kSlot) needed[r.index] = kept[r.index] = true;
    program->stateAfter.push_back(r);
  }
  for (size_t j = 0; j < ra.outputs.size(); ++j) {
    Ref r = agree(ra.outputs[j], rb.outputs[j], "output " + std::to_string(j));
    if (r.kind == Ref::kSlot) needed[r.index] = kept[r.index] = true;
    program->outputs.push_back(r);
  }
  std::vector<size_t> outs(a.ops.size());
  for (size_t i = 0; i < a.ops.size(); ++i) outs[i] = a.ops[i].out.size();
  program->fused = fuse(steps, outs, kept, program->slots);
  program->fused += fuseNormReluPool(steps, kept, program->slots);
  // Kernels are pure, so an op whose outputs nothing needs is left out: a plain step computes such values
  // (the gradient of the image, which no variable needs) and drops them. A random op always runs: leaving out
  // its draw would shift every later one.
  std::vector<bool> live(steps.size(), false);
  for (size_t i = steps.size(); i-- > 0;) {
    live[i] = steps[i].def->random;
    program->random = program->random || live[i];
    for (size_t k = 0; k < a.ops[i].out.size(); ++k) live[i] = live[i] || needed[steps[i].firstSlot + k];
    if (live[i])
      for (const Ref& r : steps[i].in)
        if (r.kind == Ref::kSlot) needed[r.index] = true;
  }
  // Each intermediate is freed after its last use (an unused output of a live op, right after the op).
  std::vector<long> lastUse(program->slots, -1);
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!live[i]) continue;
    for (const Ref& r : steps[i].in)
      if (r.kind == Ref::kSlot) lastUse[r.index] = static_cast<long>(program->steps.size());
    for (size_t k = 0; k < a.ops[i].out.size(); ++k)
      lastUse[steps[i].firstSlot + k] =
          std::max(lastUse[steps[i].firstSlot + k], static_cast<long>(program->steps.size()));
    program->steps.push_back(std::move(steps[i]));
  }
  for (size_t slot = 0; slot < program->slots; ++slot)
    if (lastUse[slot] >= 0 && !kept[slot]) program->steps[lastUse[slot]].freeAfter.push_back(slot);
  // The second step's inputs are still alive (the first's may not be).
  for (int64_t id : rb.inputs) program->inputShapes.push_back(lookup(id).t.sizes().vec());
  program->state = ra.stateBefore.size();
  program->rate = ra.rate;
  return program;
}

// Why program `b` does not have the form of program `a` (the same ops on the same kinds of operands, the same
// state and outputs, the learning rate in the same places), or "" when it does. Attributes and the values of
// constants may differ: `a` was compiled from two steps that agreed, so neither changes from step to step, and
// what differs in `b` follows from its inputs' shapes (a reshape's sizes, a mean's divisor).
std::string formDifference(const Program& a, const Program& b) {
  if (a.steps.size() != b.steps.size()) return "another number of ops";
  if (a.slots != b.slots || a.state != b.state || a.consts.size() != b.consts.size() || a.random != b.random ||
      a.inputShapes.size() != b.inputShapes.size())
    return "other intermediates, state, constants or inputs";
  for (size_t i = 0; i < a.steps.size(); ++i) {
    const Step &x = a.steps[i], &y = b.steps[i];
    if (x.def != y.def || x.castTo != y.castTo || x.firstSlot != y.firstSlot || x.attrs.size() != y.attrs.size() ||
        x.ratePositions != y.ratePositions || !sameRefs(x.in, y.in))
      return "op " + std::to_string(i) + " (" + x.def->name + ") differs";
  }
  if (!sameRefs(a.stateAfter, b.stateAfter) || !sameRefs(a.outputs, b.outputs)) return "other state or outputs";
  return "";
}

// Runs a program on new batch inputs; swaps the new state into the variables' entries; returns the outputs' ids.
std::vector<int64_t> replay(Program& p, const std::vector<int64_t>& inputIds, const std::vector<int64_t>& stateIds,
                            double rate) {
  if (inputIds.size() != p.inputShapes.size() || stateIds.size() != p.state)
    throw std::runtime_error("replay got " + std::to_string(inputIds.size()) + " inputs and " +
                             std::to_string(stateIds.size()) + " state variables, the captured step has " +
                             std::to_string(p.inputShapes.size()) + " and " + std::to_string(p.state));
  for (size_t k = 0; k < inputIds.size(); ++k)
    if (lookup(inputIds[k]).t.sizes().vec() != p.inputShapes[k])
      throw std::runtime_error("replay input " + std::to_string(k) + " has shape " + sizesOf(lookup(inputIds[k]).t) +
                               ", the captured step took another");
  std::vector<Entry> slots(p.slots);
  Entry none;
  auto entry = [&](const Ref& r) -> Entry& {
    switch (r.kind) {
      case Ref::kInput: return lookup(inputIds[r.index]);
      case Ref::kState: return lookup(stateIds[r.index]);
      case Ref::kSlot: return slots[r.index];
      case Ref::kConst: return const_cast<Entry&>(p.consts[r.index]);
      case Ref::kOutside:
        if (!exists(r.index))
          throw std::runtime_error("a tensor from outside the step that it uses was disposed (the caller changed it)");
        return lookup(r.index);
    }
    return none;
  };
  double scale = p.rate == 0 ? 1 : rate / p.rate;
  const bool timed = profiling();
  if (timed && p.seconds.empty()) {
    p.seconds.assign(p.steps.size(), 0);
    p.shapes.assign(p.steps.size(), "");
  }
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const Step& s = p.steps[i];
    const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    Args args;
    for (const Ref& r : s.in) args.in.push_back(&entry(r));
    std::vector<double> attrs = s.attrs;
    for (size_t pos : s.ratePositions) attrs[pos] *= scale;
    args.setAttrs(*s.def, std::move(attrs));
    if (timed && !p.replays && !args.in.empty() && args.in[0]->t.defined()) p.shapes[i] = sizesOf(args.in[0]->t);
    std::vector<Entry> out;
    try {
      out = execute(*s.def, args, s.castTo);
    } catch (const std::exception& e) {
      throw std::runtime_error(failureText(*s.def, args, e));
    }
    for (size_t k = 0; k < out.size(); ++k) slots[s.firstSlot + k] = std::move(out[k]);
    for (size_t slot : s.freeAfter) slots[slot] = Entry{};
    if (timed) p.seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (timed) ++p.replays;
  // Collect the new state first, then swap it in: a state read by another's new value is not yet replaced.
  std::vector<std::pair<size_t, Entry>> next;
  for (size_t j = 0; j < p.stateAfter.size(); ++j) {
    const Ref& r = p.stateAfter[j];
    if (r.kind == Ref::kState && static_cast<size_t>(r.index) == j) continue;
    next.emplace_back(j, entry(r));
  }
  std::vector<int64_t> out;
  for (const Ref& r : p.outputs) out.push_back(keep(entry(r)));
  for (auto& [j, e] : next) lookup(stateIds[j]) = std::move(e);
  return out;
}

template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* what, F f) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("libtorch ") + what + ": " + errorText(e));
  }
}

Napi::Value CaptureBegin(const Napi::CallbackInfo& info) {
  if (active) throw Napi::Error::New(info.Env(), "libtorch capture: a step is already being recorded");
  // Only the CPU path has been checked op by op (constants, in-place state swaps); elsewhere steps run plainly.
  if (!currentDevice().is_cpu())
    throw Napi::Error::New(info.Env(), "libtorch capture: step capture runs on the CPU only (not yet checked on " +
                                           currentDevice().str() + ")");
  active = new Trace();
  return info.Env().Undefined();
}

Napi::Value CaptureEnd(const Napi::CallbackInfo& info) {
  if (!active) throw Napi::Error::New(info.Env(), "libtorch capture: no step is being recorded");
  int64_t handle = nextHandle++;
  traces[handle].reset(active);
  active = nullptr;
  return Napi::Number::New(info.Env(), static_cast<double>(handle));
}

Napi::Value CaptureAbort(const Napi::CallbackInfo& info) {
  delete active;
  active = nullptr;
  return info.Env().Undefined();
}

// captureCompile(traceA, traceB, rolesA, rolesB) -> program; roles: [inputs, stateBefore, stateAfter, outputs, rate]
Napi::Value CaptureCompile(const Napi::CallbackInfo& info) {
  return guarded(info, "capture", [&]() -> Napi::Value {
    auto a = traces.find(info[0].As<Napi::Number>().Int64Value());
    auto b = traces.find(info[1].As<Napi::Number>().Int64Value());
    if (a == traces.end() || b == traces.end()) throw std::runtime_error("unknown trace");
    auto program = compile(*a->second, *b->second, roles(info[2]), roles(info[3]));
    int64_t handle = nextHandle++;
    programs[handle] = std::move(program);
    return Napi::Number::New(info.Env(), static_cast<double>(handle));
  });
}

// captureReplay(program, inputIds, stateIds, rate) -> [id, dtype, rank, ...dims] per output
Napi::Value CaptureReplay(const Napi::CallbackInfo& info) {
  return guarded(info, "replay", [&]() -> Napi::Value {
    auto p = programs.find(info[0].As<Napi::Number>().Int64Value());
    if (p == programs.end()) throw std::runtime_error("unknown program");
    governThreads();
    c10::InferenceMode guard;
    // A failed replay puts the generator back: the plain step that then does the batch draws what it would have.
    std::optional<at::Generator> saved;
    if (p->second->random) saved = randomGenerator().clone();
    std::vector<int64_t> out;
    try {
      out = replay(*p->second, ids(info[1]), ids(info[2]), info[3].As<Napi::Number>().DoubleValue());
    } catch (...) {
      if (saved) randomGenerator() = *saved;
      throw;
    }
    return describeOutputs(info.Env(), out);
  });
}

// captureSameForm(programA, programB) -> "" when B has A's form, else why not (see formDifference)
Napi::Value CaptureSameForm(const Napi::CallbackInfo& info) {
  auto a = programs.find(info[0].As<Napi::Number>().Int64Value());
  auto b = programs.find(info[1].As<Napi::Number>().Int64Value());
  if (a == programs.end() || b == programs.end())
    throw Napi::Error::New(info.Env(), "libtorch capture: unknown program");
  return Napi::String::New(info.Env(), formDifference(*a->second, *b->second));
}

// captureInfo(program) -> [ops, intermediate slots, constants, fused pairs]
Napi::Value CaptureInfo(const Napi::CallbackInfo& info) {
  auto p = programs.find(info[0].As<Napi::Number>().Int64Value());
  if (p == programs.end()) throw Napi::Error::New(info.Env(), "libtorch capture: unknown program");
  auto out = Napi::Array::New(info.Env(), 4);
  out.Set(0u, static_cast<double>(p->second->steps.size()));
  out.Set(1u, static_cast<double>(p->second->slots));
  out.Set(2u, static_cast<double>(p->second->consts.size()));
  out.Set(3u, static_cast<double>(p->second->fused));
  return out;
}

Napi::Value CaptureRelease(const Napi::CallbackInfo& info) {
  int64_t handle = info[0].As<Napi::Number>().Int64Value();
  traces.erase(handle);
  if (auto p = programs.find(handle); p != programs.end() && profiling()) printProfile(*p->second);
  programs.erase(handle);
  return info.Env().Undefined();
}

}  // namespace

Recorder* recorder() { return active; }

void exportCapture(Napi::Env env, Napi::Object exports) {
  exports.Set("captureBegin", Napi::Function::New(env, CaptureBegin));
  exports.Set("captureEnd", Napi::Function::New(env, CaptureEnd));
  exports.Set("captureAbort", Napi::Function::New(env, CaptureAbort));
  exports.Set("captureCompile", Napi::Function::New(env, CaptureCompile));
  exports.Set("captureReplay", Napi::Function::New(env, CaptureReplay));
  exports.Set("captureInfo", Napi::Function::New(env, CaptureInfo));
  exports.Set("captureSameForm", Napi::Function::New(env, CaptureSameForm));
  exports.Set("captureRelease", Napi::Function::New(env, CaptureRelease));
}

}  // namespace tl
