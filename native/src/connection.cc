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

unsigned int FlagsArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return 0;
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "flags must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
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
          InstanceMethod("destroy", &Connection::Destroy),
          InstanceMethod("suspend", &Connection::Suspend),
          InstanceMethod("resume", &Connection::Resume),
          InstanceMethod("managedSave", &Connection::ManagedSave),
          InstanceMethod("managedSaveRemove", &Connection::ManagedSaveRemove),
          InstanceMethod("setAutostart", &Connection::SetAutostart),
          InstanceMethod("getState", &Connection::GetState),
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
  // Garbage-collected without close(): drop our reference (callbacks were never registered
  // or were released by close()).
  std::lock_guard<std::mutex> lock(st_->mu);
  if (st_->conn != nullptr && st_->callback_ids.empty() && !st_->close_cb) {
    virConnectClose(st_->conn);
    st_->conn = nullptr;
  }
}

virConnectPtr Connection::Acquire(Napi::Env env) {
  std::lock_guard<std::mutex> lock(st_->mu);
  if (st_->conn == nullptr) throw Napi::Error::New(env, "connection is closed");
  virConnectRef(st_->conn);
  return st_->conn;
}

Napi::Value ConnCall(Connection* c, Napi::Env env, std::function<bool(virConnectPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result) {
  virConnectPtr conn = c->Acquire(env);
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

Napi::Value DomainCall(Connection* c, const Napi::CallbackInfo& info, const char* what,
                       std::function<bool(virDomainPtr, LambdaJob&)> fn,
                       std::function<Napi::Value(Napi::Env, LambdaJob&)> result) {
  std::string name = StringArg(info, 0, what);
  return ConnCall(
      c, info.Env(),
      [name, fn](virConnectPtr conn, LambdaJob& j) {
        counted();
        virDomainPtr dom = virDomainLookupByName(conn, name.c_str());
        if (dom == nullptr) return false;
        bool ok = fn(dom, j);
        if (!ok) j.err.capture();
        virDomainFree(dom);
        return ok;
      },
      std::move(result));
}

static Napi::Value StrResult(Napi::Env env, LambdaJob& j) {
  return j.has_str ? Napi::Value(Napi::String::New(env, j.str)) : env.Null();
}

static bool TakeString(LambdaJob& j, char* s) {
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
  int interval = info[0].As<Napi::Number>().Int32Value();
  unsigned int count = info[1].As<Napi::Number>().Uint32Value();
  return ConnCall(this, info.Env(), [interval, count](virConnectPtr conn, LambdaJob&) {
    counted();
    return virConnectSetKeepAlive(conn, interval, count) >= 0;
  });
}

Napi::Value Connection::Hostname(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(), [](virConnectPtr conn, LambdaJob& j) { counted(); return TakeString(j, virConnectGetHostname(conn)); },
      StrResult);
}

Napi::Value Connection::LibVersion(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(),
      [](virConnectPtr conn, LambdaJob& j) {
        unsigned long v = 0;
        counted();
        if (virConnectGetLibVersion(conn, &v) < 0) return false;
        j.num = static_cast<long long>(v);
        return true;
      },
      [](Napi::Env env, LambdaJob& j) { return Napi::Number::New(env, static_cast<double>(j.num)); });
}

Napi::Value Connection::HypervisorVersion(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(),
      [](virConnectPtr conn, LambdaJob& j) {
        unsigned long v = 0;
        counted();
        if (virConnectGetVersion(conn, &v) < 0) return false;
        j.num = static_cast<long long>(v);
        return true;
      },
      [](Napi::Env env, LambdaJob& j) { return Napi::Number::New(env, static_cast<double>(j.num)); });
}

Napi::Value Connection::Capabilities(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(), [](virConnectPtr conn, LambdaJob& j) { counted(); return TakeString(j, virConnectGetCapabilities(conn)); },
      StrResult);
}

Napi::Value Connection::NodeInfo(const Napi::CallbackInfo& info) {
  auto ni = std::make_shared<virNodeInfo>();
  return ConnCall(
      this, info.Env(), [ni](virConnectPtr conn, LambdaJob&) { counted(); return virNodeGetInfo(conn, ni.get()) >= 0; },
      [ni](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("model", ni->model);
        o.Set("memoryKiB", static_cast<double>(ni->memory));
        o.Set("cpus", ni->cpus);
        o.Set("mhz", ni->mhz);
        o.Set("nodes", ni->nodes);
        o.Set("sockets", ni->sockets);
        o.Set("cores", ni->cores);
        o.Set("threads", ni->threads);
        return o;
      });
}

Napi::Value Connection::ListNodeDevices(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 0);
  auto names = std::make_shared<std::vector<std::string>>();
  return ConnCall(
      this, info.Env(),
      [flags, names](virConnectPtr conn, LambdaJob&) {
        virNodeDevicePtr* devs = nullptr;
        counted();
        int n = virConnectListAllNodeDevices(conn, &devs, flags);
        if (n < 0) return false;
        for (int i = 0; i < n; i++) {
          const char* name = virNodeDeviceGetName(devs[i]);
          if (name != nullptr) names->push_back(name);
          virNodeDeviceFree(devs[i]);
        }
        free(devs);
        return true;
      },
      [names](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, names->size());
        for (size_t i = 0; i < names->size(); i++) a.Set(static_cast<uint32_t>(i), (*names)[i]);
        return a;
      });
}

Napi::Value Connection::NodeDeviceXml(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info, 0, "device name");
  return ConnCall(
      this, info.Env(),
      [name](virConnectPtr conn, LambdaJob& j) {
        counted();
        virNodeDevicePtr dev = virNodeDeviceLookupByName(conn, name.c_str());
        if (dev == nullptr) return false;
        counted();
        bool ok = TakeString(j, virNodeDeviceGetXMLDesc(dev, 0));
        if (!ok) j.err.capture();
        virNodeDeviceFree(dev);
        return ok;
      },
      StrResult);
}

}  // namespace vw
