#include "job.h"

#include "quiet.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace vw {

std::atomic<unsigned long long> g_calls{0};

void LibvirtErr::capture() {
  set = true;
  virErrorPtr e = virGetLastError();
  if (e != nullptr) {
    code = e->code;
    domain = e->domain;
    message = e->message != nullptr ? e->message : "unknown libvirt error";
  } else {
    code = VIR_ERR_INTERNAL_ERROR;
    message = "libvirt call failed without an error";
  }
  virResetLastError();
}

void LibvirtErr::fail(const std::string& msg, int c) {
  set = true;
  code = c;
  domain = 0;
  message = msg;
}

Napi::Error MakeLibvirtError(Napi::Env env, const LibvirtErr& e) {
  Napi::Error err = Napi::Error::New(env, e.message);
  err.Set("code", Napi::Number::New(env, e.code));
  err.Set("domain", Napi::Number::New(env, e.domain));
  err.Set("libvirt", Napi::Boolean::New(env, true));
  return err;
}

Napi::Promise RejectedPromise(Napi::Env env, const LibvirtErr& e) {
  Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
  d.Reject(MakeLibvirtError(env, e).Value());
  return d.Promise();
}

namespace {

// The worker pool and the completion channel back to the JS thread.
class Pool {
 public:
  void Init(Napi::Env env) {
    env_ = env;
    tsfn_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                          "virtwarden-libvirt", 0, 1);
    tsfn_.Unref(env);
    for (int i = 0; i < 32; i++) std::thread([this] { Run(); }).detach();
  }

  void Submit(Napi::Env env, Job* job) {
    if (pending_++ == 0) tsfn_.Ref(env);  // keep Node alive while a call is outstanding
    Push(Task{job, nullptr});
  }

  void Detached(std::function<void()> fn) { Push(Task{nullptr, std::move(fn)}); }

  napi_env env() const { return env_; }

 private:
  void Run() {
    SilenceThread();
    for (;;) {
      Task task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      if (task.job == nullptr) {
        task.fn();
        continue;
      }
      Job* job = task.job;
      if (!job->Work() && !job->err.set) job->err.capture();
      tsfn_.BlockingCall(job, [this](Napi::Env env, Napi::Function, Job* j) {
        j->Complete(env);
        delete j;
        if (--pending_ == 0) tsfn_.Unref(env);
      });
    }
  }

  struct Task {
    Job* job = nullptr;             // a call whose promise settles on the JS thread, or
    std::function<void()> fn;       // fire-and-forget work
  };

  void Push(Task t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(t));
    }
    cv_.notify_one();
  }

  napi_env env_ = nullptr;
  Napi::ThreadSafeFunction tsfn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  int pending_ = 0;  // touched on the JS thread only
};

Pool* g_pool = nullptr;

}  // namespace

Job::Job(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise Job::Start() {
  Napi::Promise p = deferred_.Promise();
  g_pool->Submit(deferred_.Env(), this);
  return p;
}

void Job::Complete(Napi::Env env) {
  Napi::HandleScope scope(env);
  if (err.set) {
    deferred_.Reject(MakeLibvirtError(env, err).Value());
    return;
  }
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void InitJobs(Napi::Env env) {
  if (g_pool == nullptr) {
    g_pool = new Pool();
    g_pool->Init(env);
  } else if (g_pool->env() != static_cast<napi_env>(env)) {
    throw Napi::Error::New(env, "the libvirt binding can be used from one Node.js thread per process");
  }
}

void RunDetached(std::function<void()> fn) { g_pool->Detached(std::move(fn)); }

}  // namespace vw
