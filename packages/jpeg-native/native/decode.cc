// decode(bytes, atLeastWidth, atLeastHeight) → Promise<{ data, width, height, channels, scaleNum }>: one pass of
// libjpeg-turbo over an 8-bit gray or colour JPEG, on libuv's thread pool, shrunk while it is decoded (DCT scaling
// by scaleNum/8, the smallest whose output still covers atLeastWidth × atLeastHeight). libjpeg fills in damaged or
// missing data with a mere warning; here every warning is an error, so a truncated or damaged file is refused.
#include <napi.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <jpeglib.h>
// After jpeglib.h, which it needs.
#include <jerror.h>

#include "map_file.h"

namespace {

// libjpeg's message codes by name (they are numbered differently from one libjpeg version to the next).
const char* const kCodeNames[] = {
#define JMESSAGE(code, string) #code,
#include <jerror.h>
#undef JMESSAGE
    nullptr};

const char* CodeName(int code) {
  const int count = sizeof(kCodeNames) / sizeof(kCodeNames[0]) - 1;
  return code >= 0 && code < count ? kCodeNames[code] : "JMSG_UNKNOWN";
}

// Where in the file libjpeg was when it gave up: its header, its image data, or what follows them.
enum class Phase { kHeader, kData, kEnd };
const char* PhaseName(Phase p) { return p == Phase::kHeader ? "header" : p == Phase::kData ? "data" : "end"; }

struct ErrorManager {
  jpeg_error_mgr pub;  // first, so that libjpeg's pointer to it is a pointer to this
  jmp_buf jump;
  std::string message;
  int code = 0;
  bool warning = false;
};

void Fail(j_common_ptr cinfo, bool warning) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  err->message = text;
  err->code = cinfo->err->msg_code;
  err->warning = warning;
  longjmp(err->jump, 1);
}

void ErrorExit(j_common_ptr cinfo) { Fail(cinfo, false); }

// Level -1 is a warning (corrupt data, premature end, extraneous bytes, a bad restart marker): an error here.
// Levels 0 and up are trace messages, ignored.
void EmitMessage(j_common_ptr cinfo, int level) {
  if (level < 0) Fail(cinfo, true);
}

// The file's bytes as libjpeg's input. At their end it gets an end-of-image marker, as jpeg_mem_src gives it, but
// without jpeg_mem_src's warning: the Huffman decoder reads ahead of the bits it needs, so that warning would
// also come for a file that lacks only its end-of-image marker. Running out is remembered instead: a file whose
// image data stop short then hits this marker (JWRN_HIT_MARKER), and one that is whole but has no end-of-image
// marker of its own is refused after jpeg_finish_decompress.
struct Source {
  jpeg_source_mgr pub;  // first, so that libjpeg's pointer to it is a pointer to this
  bool ran_out = false;
};

const JOCTET kEndOfImage[2] = {0xFF, JPEG_EOI};

void InitSource(j_decompress_ptr) {}
void TermSource(j_decompress_ptr) {}

boolean FillInputBuffer(j_decompress_ptr cinfo) {
  auto* src = reinterpret_cast<Source*>(cinfo->src);
  src->ran_out = true;
  src->pub.next_input_byte = kEndOfImage;
  src->pub.bytes_in_buffer = sizeof(kEndOfImage);
  return TRUE;
}

void SkipInputData(j_decompress_ptr cinfo, long count) {
  jpeg_source_mgr* src = cinfo->src;
  if (count <= 0) return;
  while (static_cast<size_t>(count) > src->bytes_in_buffer) {
    count -= static_cast<long>(src->bytes_in_buffer);
    FillInputBuffer(cinfo);
  }
  src->next_input_byte += count;
  src->bytes_in_buffer -= count;
}

class DecodeWorker : public Napi::AsyncWorker {
 public:
  DecodeWorker(Napi::Env env, Napi::Buffer<uint8_t> input, uint32_t at_least_width, uint32_t at_least_height)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        input_ref_(Napi::Persistent(input)),
        bytes_(input.Data()),
        length_(input.Length()),
        at_least_width_(at_least_width),
        at_least_height_(at_least_height) {}

  ~DecodeWorker() override { std::free(pixels_); }

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    jpeg_decompress_struct cinfo;
    ErrorManager err;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = ErrorExit;
    err.pub.emit_message = EmitMessage;
    Source source;
    // volatile: read after longjmp.
    volatile Phase phase = Phase::kHeader;
    if (setjmp(err.jump)) {
      jpeg_destroy_decompress(&cinfo);
      failed_ = true;
      ran_out_ = source.ran_out;
      message_ = err.message;
      code_ = CodeName(err.code);
      warning_ = err.warning;
      phase_ = phase;
      return;
    }
    jpeg_create_decompress(&cinfo);
    source.pub.init_source = InitSource;
    source.pub.fill_input_buffer = FillInputBuffer;
    source.pub.skip_input_data = SkipInputData;
    source.pub.resync_to_restart = jpeg_resync_to_restart;
    source.pub.term_source = TermSource;
    source.pub.next_input_byte = bytes_;
    source.pub.bytes_in_buffer = length_;
    cinfo.src = &source.pub;
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.data_precision != 8 || (cinfo.num_components != 1 && cinfo.num_components != 3)) {
      err.message = "only 8-bit gray or 3-component JPEGs are decoded here";
      err.code = JERR_CONVERSION_NOTIMPL;
      longjmp(err.jump, 1);
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    // The smallest scale (1/8 … 8/8) whose output is still at least the size asked for.
    cinfo.scale_denom = 8;
    for (cinfo.scale_num = 1; cinfo.scale_num < 8; cinfo.scale_num++) {
      jpeg_calc_output_dimensions(&cinfo);
      if (cinfo.output_width >= at_least_width_ && cinfo.output_height >= at_least_height_) break;
    }
    phase = Phase::kData;
    jpeg_start_decompress(&cinfo);
    width_ = cinfo.output_width;
    height_ = cinfo.output_height;
    channels_ = cinfo.output_components;
    scale_num_ = cinfo.scale_num;
    const size_t stride = static_cast<size_t>(width_) * channels_;
    pixels_ = static_cast<uint8_t*>(std::malloc(stride * height_));
    if (!pixels_) ERREXIT1(&cinfo, JERR_OUT_OF_MEMORY, 0);
    while (cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW row = pixels_ + cinfo.output_scanline * stride;
      if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    }
    if (cinfo.output_scanline != cinfo.output_height) {
      err.message = "not every scanline was decoded";
      err.code = JERR_TOO_LITTLE_DATA;
      longjmp(err.jump, 1);
    }
    // Reads on to the end-of-image marker, so that extraneous bytes and a missing end are seen too.
    phase = Phase::kEnd;
    jpeg_finish_decompress(&cinfo);
    if (source.ran_out) WARNMS(&cinfo, JWRN_JPEG_EOF);
    jpeg_destroy_decompress(&cinfo);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failed_) {
      Napi::Error e = Napi::Error::New(env, message_);
      e.Set("code", Napi::String::New(env, code_));
      e.Set("warning", Napi::Boolean::New(env, warning_));
      e.Set("phase", Napi::String::New(env, PhaseName(phase_)));
      e.Set("endOfFile", Napi::Boolean::New(env, ran_out_));
      deferred_.Reject(e.Value());
      return;
    }
    const size_t length = static_cast<size_t>(width_) * height_ * channels_;
    auto data = Napi::Buffer<uint8_t>::NewOrCopy(env, pixels_, length, [](Napi::Env, uint8_t* p) { std::free(p); });
    // NewOrCopy either took the pixels (freed by the finalizer) or copied them (freed here).
    if (data.Data() == pixels_) pixels_ = nullptr;
    Napi::Object out = Napi::Object::New(env);
    out.Set("data", data);
    out.Set("width", width_);
    out.Set("height", height_);
    out.Set("channels", channels_);
    out.Set("scaleNum", scale_num_);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Buffer<uint8_t>> input_ref_;  // keeps the bytes alive while they are decoded
  const uint8_t* bytes_;
  size_t length_;
  uint32_t at_least_width_;
  uint32_t at_least_height_;
  uint8_t* pixels_ = nullptr;
  uint32_t width_ = 0, height_ = 0, channels_ = 0, scale_num_ = 8;
  bool failed_ = false;
  std::string message_;
  const char* code_ = "";
  bool warning_ = false;
  bool ran_out_ = false;
  Phase phase_ = Phase::kHeader;
};

Napi::Value Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsBuffer() || !info[1].IsNumber() || !info[2].IsNumber())
    throw Napi::TypeError::New(env, "decode(bytes: Buffer, atLeastWidth: number, atLeastHeight: number)");
  auto* worker = new DecodeWorker(env, info[0].As<Napi::Buffer<uint8_t>>(), info[1].As<Napi::Number>().Uint32Value(),
                                  info[2].As<Napi::Number>().Uint32Value());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("decode", Napi::Function::New(env, Decode));
  exports.Set("libjpegVersion", Napi::Number::New(env, JPEG_LIB_VERSION));
  exports.Set("mapFile", Napi::Function::New(env, MapFile));
  return exports;
}

}  // namespace

NODE_API_MODULE(jpeg_native, Init)
