// The Connection class: registration of its methods, argument helpers, the per-call
// connection reference (ConnCall/DomainCall), close, liveness and keepalive.
#include "connection.h"

#include <cstdlib>

namespace vw {

Napi::FunctionReference Connection::constructor_;

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  }
  return info[i].As<Napi::String>().Utf8Value();
}

double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

unsigned int FlagsArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return 0;
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "flags must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

Napi::Value ClosedRejection(Napi::Env env) {
  LibvirtErr e;
  e.fail("connection is closed", VIR_ERR_INVALID_CONN);
  return RejectedPromise(env, e);
}

DomainRef DomainRefArg(const Napi::CallbackInfo& info, size_t i) {
  DomainRef r;
  if (info.Length() > i && info[i].IsString()) {
    r.value = info[i].As<Napi::String>().Utf8Value();
    return r;
  }
  if (info.Length() > i && info[i].IsObject()) {
    Napi::Value uuid = info[i].As<Napi::Object>().Get("uuid");
    if (uuid.IsString()) {
      r.value = uuid.As<Napi::String>().Utf8Value();
      r.by_uuid = true;
      return r;
    }
  }
  throw Napi::TypeError::New(info.Env(), "domain must be a name (string) or {uuid: string}");
}

virDomainPtr DomainRef::Lookup(virConnectPtr conn) const {
  counted();
  return by_uuid ? virDomainLookupByUUIDString(conn, value.c_str()) : virDomainLookupByName(conn, value.c_str());
}

void Connection::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(
      env, "Connection",
      {
          InstanceMethod("close", &Connection::Close),
          InstanceMethod("isAlive", &Connection::IsAlive),
          InstanceMethod("setKeepAlive", &Connection::SetKeepAlive),
          InstanceMethod("hostname", &Connection::Hostname),
          InstanceMethod("libVersion", &Connection::LibVersion),
          InstanceMethod("hypervisorVersion", &Connection::HypervisorVersion),
          InstanceMethod("capabilities", &Connection::Capabilities),
          InstanceMethod("nodeInfo", &Connection::NodeInfo),
          InstanceMethod("listNodeDevices", &Connection::ListNodeDevices),
          InstanceMethod("nodeDeviceXml", &Connection::NodeDeviceXml),
          InstanceMethod("listAllDomains", &Connection::ListAllDomains),
          InstanceMethod("getAllDomainStats", &Connection::GetAllDomainStats),
          InstanceMethod("domainXml", &Connection::DomainXml),
          InstanceMethod("defineXml", &Connection::DefineXml),
          InstanceMethod("createXml", &Connection::CreateXml),
          InstanceMethod("undefine", &Connection::Undefine),
          InstanceMethod("start", &Connection::Start),
          InstanceMethod("shutdown", &Connection::Shutdown),
          InstanceMethod("reboot", &Connection::Reboot),
          InstanceMethod("reset", &Connection::Reset),
          InstanceMethod("agentCommand", &Connection::AgentCommand),
          InstanceMethod("destroy", &Connection::Destroy),
          InstanceMethod("suspend", &Connection::Suspend),
          InstanceMethod("resume", &Connection::Resume),
          InstanceMethod("managedSave", &Connection::ManagedSave),
          InstanceMethod("managedSaveRemove", &Connection::ManagedSaveRemove),
          InstanceMethod("setAutostart", &Connection::SetAutostart),
          InstanceMethod("getState", &Connection::GetState),
          InstanceMethod("getDomain", &Connection::GetDomain),
          InstanceMethod("findDomain", &Connection::FindDomain),
          InstanceMethod("getMetadata", &Connection::GetMetadata),
          InstanceMethod("setMetadata", &Connection::SetMetadata),
          InstanceMethod("metadataPair", &Connection::MetadataPair),
          InstanceMethod("attachDevice", &Connection::AttachDevice),
          InstanceMethod("detachDevice", &Connection::DetachDevice),
          InstanceMethod("updateDevice", &Connection::UpdateDevice),
          InstanceMethod("blockResize", &Connection::BlockResize),
          InstanceMethod("jobStats", &Connection::JobStats),
          InstanceMethod("abortJob", &Connection::AbortJob),
          InstanceMethod("setMaxDowntime", &Connection::SetMaxDowntime),
          InstanceMethod("migrateToUri3", &Connection::MigrateToUri3),
          InstanceMethod("migrate3", &Connection::Migrate3),
          InstanceMethod("listStoragePools", &Connection::ListStoragePools),
          InstanceMethod("poolXml", &Connection::PoolXml),
          InstanceMethod("refreshPool", &Connection::RefreshPool),
          InstanceMethod("createPool", &Connection::CreatePool),
          InstanceMethod("definePool", &Connection::DefinePool),
          InstanceMethod("destroyPool", &Connection::DestroyPool),
          InstanceMethod("listVolumes", &Connection::ListVolumes),
          InstanceMethod("volumeXml", &Connection::VolumeXml),
          InstanceMethod("createVolume", &Connection::CreateVolume),
          InstanceMethod("deleteVolume", &Connection::DeleteVolume),
          InstanceMethod("resizeVolume", &Connection::ResizeVolume),
          InstanceMethod("poolInfo", &Connection::PoolInfo),
          InstanceMethod("volumeInfo", &Connection::VolumeInfo),
          InstanceMethod("volumeByPath", &Connection::VolumeByPath),
          InstanceMethod("subscribe", &Connection::Subscribe),
      });
  constructor_ = Napi::Persistent(fn);
  constructor_.SuppressDestruct();
  exports.Set("Connection", fn);
}

Napi::Object Connection::Wrap(Napi::Env env, virConnectPtr conn) {
  return constructor_.New({Napi::External<virConnect>::New(env, conn)});
}

Connection::Connection(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Connection>(info), st_(std::make_shared<ConnState>()) {
  if (info.Length() < 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "use open() to create a connection");
  }
  st_->conn = info[0].As<Napi::External<virConnect>>().Data();
}

Connection::~Connection() {
  // Garbage-collected without close(): drop our reference on a worker (for a remote connection
  // the last close is a round trip to the daemon). A subscribed connection cannot get here: its
  // event listener keeps the JS object alive until close().
  virConnectPtr conn;
  {
    std::lock_guard<std::mutex> lock(st_->mu);
    conn = st_->conn;
    st_->conn = nullptr;
  }
  if (conn != nullptr) RunDetached([conn] { virConnectClose(conn); });
}

virConnectPtr Connection::Acquire() {
  std::lock_guard<std::mutex> lock(st_->mu);
  if (st_->conn == nullptr) return nullptr;
  virConnectRef(st_->conn);
  return st_->conn;
}

Napi::Value ConnCall(Connection* c, Napi::Env env, std::function<bool(virConnectPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result) {
  virConnectPtr conn = c->Acquire();
  if (conn == nullptr) return ClosedRejection(env);
  auto* job = new LambdaJob(
      env,
      [conn, fn](LambdaJob& j) {
        bool ok = fn(conn, j);
        if (!ok && !j.err.set) j.err.capture();
        virConnectClose(conn);
        return ok;
      },
      std::move(result));
  return job->Start();
}

Napi::Value DomainCall(Connection* c, const Napi::CallbackInfo& info,
                       std::function<bool(virDomainPtr, LambdaJob&)> fn,
                       std::function<Napi::Value(Napi::Env, LambdaJob&)> result) {
  DomainRef ref = DomainRefArg(info, 0);
  return ConnCall(
      c, info.Env(),
      [ref, fn](virConnectPtr conn, LambdaJob& j) {
        virDomainPtr dom = ref.Lookup(conn);
        if (dom == nullptr) return false;
        bool ok = fn(dom, j);
        if (!ok && !j.err.set) j.err.capture();  // before virDomainFree can touch the error
        virDomainFree(dom);
        return ok;
      },
      std::move(result));
}

Napi::Value StringResult(Napi::Env env, LambdaJob& j) {
  return j.has_str ? Napi::Value(Napi::String::New(env, j.str)) : env.Null();
}

Napi::Value NumberResult(Napi::Env env, LambdaJob& j) {
  return Napi::Number::New(env, static_cast<double>(j.num));
}

bool TakeString(LambdaJob& j, char* s) {
  if (s == nullptr) return false;
  j.str = s;
  j.has_str = true;
  free(s);
  return true;
}

Napi::Value Connection::Close(const Napi::CallbackInfo& info) {
  auto st = st_;
  virConnectPtr conn;
  {
    std::lock_guard<std::mutex> lock(st->mu);
    conn = st->conn;
    st->conn = nullptr;  // new calls now fail with "connection is closed"
  }
  if (conn == nullptr) return (new LambdaJob(info.Env(), [](LambdaJob&) { return true; }))->Start();
  auto* job = new LambdaJob(info.Env(), [st, conn](LambdaJob&) {
    std::vector<int> ids;
    bool close_cb;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      ids.swap(st->callback_ids);
      close_cb = st->close_cb;
      st->close_cb = false;
    }
    for (int id : ids) {
      counted();
      virConnectDomainEventDeregisterAny(conn, id);
    }
    if (close_cb) UnregisterCloseCallback(conn);
    virResetLastError();
    counted();
    virConnectClose(conn);
    return true;
  });
  return job->Start();
}

Napi::Value Connection::IsAlive(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(st_->mu);
  return Napi::Boolean::New(info.Env(), st_->conn != nullptr && virConnectIsAlive(st_->conn) == 1);
}

Napi::Value Connection::SetKeepAlive(const Napi::CallbackInfo& info) {
  int interval = static_cast<int>(NumberArg(info, 0, "keepalive interval"));
  unsigned int count = static_cast<unsigned int>(NumberArg(info, 1, "keepalive count"));
  return ConnCall(this, info.Env(), [interval, count](virConnectPtr conn, LambdaJob&) {
    counted();
    return virConnectSetKeepAlive(conn, interval, count) >= 0;
  });
}

}  // namespace vw
