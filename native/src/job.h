// Blocking libvirt calls run on the addon's own worker threads (never on the JS thread, and
// not on libuv's small shared pool, which long migrations would starve). A Job does its work
// on a worker thread, then completes on the JS thread through one shared thread-safe function.
#pragma once
#include <napi.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <atomic>
#include <functional>
#include <string>

namespace vw {

struct LibvirtErr {
  bool set = false;
  int code = 0;
  int domain = 0;
  std::string message;
  // Copy libvirt's last error of *this* thread (libvirt errors are thread-local).
  void capture();
  void fail(const std::string& msg, int c = VIR_ERR_INTERNAL_ERROR);
};

class Job {
 public:
  explicit Job(Napi::Env env);
  virtual ~Job() = default;
  Napi::Promise Start();  // queues the job; returns the promise it settles
  // Worker thread: return false after a failed libvirt call (its error is captured).
  virtual bool Work() = 0;
  // JS thread: the value to resolve with.
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  void Complete(Napi::Env env);
  LibvirtErr err;

 private:
  Napi::Promise::Deferred deferred_;
};

// A job defined by two lambdas, for the many small calls.
class LambdaJob : public Job {
 public:
  LambdaJob(Napi::Env env, std::function<bool(LambdaJob&)> work,
            std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr)
      : Job(env), work_(std::move(work)), result_(std::move(result)) {}
  bool Work() override { return work_(*this); }
  Napi::Value Result(Napi::Env env) override { return result_ ? result_(env, *this) : env.Undefined(); }
  std::string str;
  bool has_str = false;
  long long num = 0;

 private:
  std::function<bool(LambdaJob&)> work_;
  std::function<Napi::Value(Napi::Env, LambdaJob&)> result_;
};

// Sets up the worker pool for this Node environment; throws if another environment (a second
// worker thread) already owns it: completions can only go back to one JS thread.
void InitJobs(Napi::Env env);
Napi::Error MakeLibvirtError(Napi::Env env, const LibvirtErr& e);
// A promise already rejected with a libvirt-shaped error (no worker needed).
Napi::Promise RejectedPromise(Napi::Env env, const LibvirtErr& e);
// Runs fn on a worker thread with no result (e.g. a finalizer's virConnectClose, which for a
// remote connection is a blocking round trip that must not run on the JS thread).
void RunDetached(std::function<void()> fn);
// Count of libvirt API calls made by the addon (for benchmarks).
extern std::atomic<unsigned long long> g_calls;
inline void counted() { g_calls.fetch_add(1, std::memory_order_relaxed); }

}  // namespace vw
