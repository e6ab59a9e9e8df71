// virtwarden_flock: flock(2) for the controller lock and the state directory's
// read-modify-write locks. A separate, tiny addon (it does not link libvirt) so the state
// layer never loads the libvirt binding. Non-blocking only: JS polls up to its own deadline,
// so a lock held by a stopped process never pins a thread.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/file.h>

namespace {

int FdArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "expected a file descriptor (number)");
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (fd < 0) throw Napi::TypeError::New(info.Env(), "file descriptor must be >= 0");
  return fd;
}

[[noreturn]] void ThrowErrno(Napi::Env env, const char* what, int err) {
  Napi::Error e = Napi::Error::New(env, std::string(what) + ": " + std::strerror(err));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, "flock"));
  throw e;
}

// tryLock(fd): true when LOCK_EX was taken, false when another open file description holds
// it (EWOULDBLOCK). Any other failure (EBADF, ENOLCK) throws.
Napi::Value TryLock(const Napi::CallbackInfo& info) {
  int fd = FdArg(info);
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return Napi::Boolean::New(info.Env(), true);
    int err = errno;
    if (err == EINTR) continue;
    if (err == EWOULDBLOCK) return Napi::Boolean::New(info.Env(), false);
    ThrowErrno(info.Env(), "flock(LOCK_EX|LOCK_NB)", err);
  }
}

// unlock(fd): LOCK_UN. Closing the descriptor also releases the lock; this makes the release
// explicit before the file is closed.
Napi::Value Unlock(const Napi::CallbackInfo& info) {
  int fd = FdArg(info);
  for (;;) {
    if (flock(fd, LOCK_UN) == 0) return info.Env().Undefined();
    int err = errno;
    if (err == EINTR) continue;
    ThrowErrno(info.Env(), "flock(LOCK_UN)", err);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("tryLock", Napi::Function::New(env, TryLock, "tryLock"));
  exports.Set("unlock", Napi::Function::New(env, Unlock, "unlock"));
  return exports;
}

}  // namespace

NODE_API_MODULE(virtwarden_flock, Init)
