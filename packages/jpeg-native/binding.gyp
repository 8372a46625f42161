{
  "targets": [
    {
      "target_name": "jpeg_native",
      "sources": ["native/decode.cc", "native/map_file.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["-ljpeg"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-O2", "-Wno-clobbered"]
    }
  ]
}
