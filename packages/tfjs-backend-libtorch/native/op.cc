// The op registry and the named attributes of an op call (op.h).
#include "op.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace tl {

std::vector<OpDef>& registry() {
  static std::vector<OpDef> ops;
  return ops;
}

Register::Register(const char* name, OpFn fn, const char* attrs, bool random) {
  std::vector<AttrSpec> specs;
  std::istringstream words(attrs);
  for (std::string w; words >> w;) {
    bool list = w.size() > 2 && w.compare(w.size() - 2, 2, "[]") == 0;
    specs.push_back({list ? w.substr(0, w.size() - 2) : w, list});
  }
  registry().push_back({name, fn, std::move(specs), random});
}

// "a, b, c[]": the declared attributes, for messages.
static std::string layout(const OpDef& op) {
  std::string s;
  for (const AttrSpec& a : op.attrs) s += (s.empty() ? "" : ", ") + a.name + (a.list ? "[]" : "");
  return s.empty() ? "none" : s;
}

void Args::setAttrs(const OpDef& op, std::vector<double> values) {
  op_ = &op;
  values_ = std::move(values);
  start_.clear();
  size_t pos = 0;
  bool fits = true;
  for (const AttrSpec& a : op.attrs) {
    if (pos >= values_.size()) {
      fits = false;
      break;
    }
    if (!a.list) {
      start_.push_back(pos++);
      continue;
    }
    // A length: a whole number of values that are there (false for NaN too).
    double n = values_[pos];
    if (!(n >= 0 && n <= static_cast<double>(values_.size() - pos - 1) && n == std::floor(n))) {
      fits = false;
      break;
    }
    start_.push_back(pos + 1);
    pos += 1 + static_cast<size_t>(n);
  }
  if (!fits || pos != values_.size())
    throw std::invalid_argument(std::to_string(values_.size()) + " attribute values do not fit the attributes (" +
                                layout(op) + ") of op '" + op.name +
                                "' (a list is sent as its length, then its values)");
}

size_t Args::find(const char* name, bool list) const {
  for (size_t k = 0; k < op_->attrs.size(); ++k) {
    const AttrSpec& a = op_->attrs[k];
    if (a.name != name) continue;
    if (a.list != list)
      throw std::logic_error(std::string("attribute '") + name + "' of op '" + op_->name + "' is " +
                             (a.list ? "a list" : "a number") + ", read as " + (list ? "a list" : "a number"));
    return k;
  }
  throw std::logic_error(std::string("op '") + op_->name + "' has no attribute '" + name + "' (it has " + layout(*op_) +
                         ")");
}

std::vector<int64_t> Args::ints(const char* name) const {
  size_t k = find(name, true), from = start_[k];
  size_t n = static_cast<size_t>(values_[from - 1]);
  std::vector<int64_t> v(n);
  for (size_t j = 0; j < n; ++j) v[j] = static_cast<int64_t>(values_[from + j]);
  return v;
}

}  // namespace tl
