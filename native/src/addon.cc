// The module: libvirt set up once (default event loop on its own thread, silent error
// printing), the Connection class, open(), and a few process-wide helpers.
#include <mutex>
#include <thread>

#include "connection.h"
#include "quiet.h"

namespace vw {

namespace {

// Once per process. Registered before any connection is opened (libvirt requires it for
// events); keepalive, events and the close callback only work while this loop runs.
void StartEventLoop() {
  static std::once_flag once;
  std::call_once(once, [] {
    virEventRegisterDefaultImpl();
    std::thread([] {
      SilenceThread();
      for (;;) virEventRunDefaultImpl();
    }).detach();
  });
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
  SilenceLibvirt();
  StartEventLoop();
  InitJobs(env);  // throws in a second Node environment (worker thread) of the same process
  Connection::Init(env, exports);
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("callCount", Napi::Function::New(env, CallCount));
  exports.Set("libvirtVersion", Napi::Function::New(env, LibvirtVersion));
  return exports;
}

}  // namespace vw

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return vw::Init(env, exports); }

NODE_API_MODULE(virtwarden_libvirt, InitModule)
