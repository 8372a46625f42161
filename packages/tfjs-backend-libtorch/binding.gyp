{
  "targets": [
    {
      "target_name": "tfjs_libtorch",
      "sources": [
        "native/addon.cc",
        "native/allocator.cc",
        "native/capture.cc",
        "native/governor.cc",
        "native/op.cc",
        "native/signals.cc",
        "native/distributed/process_group.cc",
        "native/kernels/activation.cc",
        "native/kernels/batch_norm.cc",
        "native/kernels/batch_norm_grad.cc",
        "native/kernels/batch_norm_training.cc",
        "native/kernels/binary.cc",
        "native/kernels/channel_sums.cc",
        "native/kernels/conv2d.cc",
        "native/kernels/conv2d_backprop_filter.cc",
        "native/kernels/conv2d_backprop_input.cc",
        "native/kernels/conv_direct.cc",
        "native/kernels/conv_gemm.cc",
        "native/kernels/intensity.cc",
        "native/kernels/matmul.cc",
        "native/kernels/optimizers.cc",
        "native/kernels/pool.cc",
        "native/kernels/pool_loops.cc",
        "native/kernels/random.cc",
        "native/kernels/reduce.cc",
        "native/kernels/resize_bilinear.cc",
        "native/kernels/shape.cc",
        "native/kernels/softmax.cc",
        "native/kernels/transform.cc",
        "native/kernels/unary.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/libtorch-path.cjs include)",
        "<!(node scripts/libtorch-path.cjs include)/torch/csrc/api/include"
      ],
      "libraries": [
        "-L<!(node scripts/libtorch-path.cjs lib)",
        "-Wl,-rpath,<!(node scripts/libtorch-path.cjs lib)",
        "-Wl,--no-as-needed",
        "<!@(node scripts/libtorch-path.cjs libs)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "<!@(node scripts/libtorch-path.cjs defines)"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["<!(node scripts/libtorch-path.cjs std)", "-fexceptions", "-frtti", "-O3", "-ffp-contract=off", "-fopenmp", "-fno-math-errno", "-Wno-unused-parameter", "-Wno-psabi", "-Wno-deprecated-declarations"]
    }
  ]
}
