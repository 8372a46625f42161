// Softmax over the last axis.
#include "../op.h"

namespace tl {

static Result softmax(const Args& a) { return at::softmax(a.x(0), -1); }
TL_OP("softmax", softmax, "");

}  // namespace tl
