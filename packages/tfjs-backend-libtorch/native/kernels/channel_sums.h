// Per-channel sums over a tensor whose channels are its last axis (NHWC activations, [N, C] rows), in either
// memory order, on the CPU: BatchNorm's statistics and gradients (batch_norm_training.cc) and the sums of bias
// gradients (reduce.cc). Taken in double per block of rows whose size depends on C alone (or per plane of NCHW
// memory) and then added in block order, so no value depends on the thread count.
#pragma once
#include <utility>
#include <vector>

#include "../op.h"

namespace tl {

// How a tensor with channels last in its shape lies in memory: as rows of C values (NHWC memory, or [N, C]), or
// as planes of `inner` values per (image, channel) (NCHW memory).
struct ChannelLayout {
  int64_t outer, C, inner;  // rows of C (inner = 1), or N x C x HW
  bool planes;
};
ChannelLayout channelLayout(const at::Tensor& t);

// x itself when its memory is rows of C or NCHW planes, else a copy as rows of C.
at::Tensor inChannelLayout(const at::Tensor& x);

// Rows (of C values) in one block of sums: fixed by C alone.
int64_t blockRows(int64_t C);

// Per channel over a float tensor in channel layout: the sum of a, and the sum of a * a (b undefined) or of
// a * (b - mean[c]) (b in a's layout).
std::pair<std::vector<double>, std::vector<double>> channelSums(const at::Tensor& a, const at::Tensor& b,
                                                                const std::vector<double>& mean);

}  // namespace tl
