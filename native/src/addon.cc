// The module: libvirt set up once (default event loop on its own thread, silent error
// printing), the Connection class, open(), and a few process-wide helpers.
#include <thread>

#include "connection.h"

namespace vw {

namespace {

void Silent(void*, virErrorPtr) {}

void StartEventLoop() {
  static bool started = false;
  if (started) return;
  started = true;
  // Must be registered before any connection is opened; keepalive and events need it running.
  virEventRegisterDefaultImpl();
  std::thread([] {
    for (;;) virEventRunDefaultImpl();
  }).detach();
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  std::string uri = StringArg(info, 0, "uri");
  bool ro = info.Length() > 1 && info[1].ToBoolean().Value();
  auto* job = new LambdaJob(
      info.Env(),
      [uri, ro](LambdaJob& j) {
        counted();
        virConnectPtr c = ro ? virConnectOpenReadOnly(uri.c_str()) : virConnectOpen(uri.c_str());
        if (c == nullptr) return false;
        j.num = reinterpret_cast<long long>(c);
        return true;
      },
      [](Napi::Env env, LambdaJob& j) -> Napi::Value {
        return Connection::Wrap(env, reinterpret_cast<virConnectPtr>(j.num));
      });
  return job->Start();
}

Napi::Value CallCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(g_calls.load()));
}

Napi::Value LibvirtVersion(const Napi::CallbackInfo& info) {
  unsigned long v = 0;
  virGetVersion(&v, nullptr, nullptr);
  return Napi::Number::New(info.Env(), static_cast<double>(v));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  virInitialize();
  virSetErrorFunc(nullptr, Silent);
  StartEventLoop();
  InitJobs(env);
  Connection::Init(env, exports);
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("callCount", Napi::Function::New(env, CallCount));
  exports.Set("libvirtVersion", Napi::Function::New(env, LibvirtVersion));
  return exports;
}

}  // namespace vw

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return vw::Init(env, exports); }

NODE_API_MODULE(virtwarden_libvirt, InitModule)
