// A libvirt connection as a JS object. All blocking calls return promises and run on the
// addon's worker threads; each call holds its own reference on the connection, so closing it
// from JS while calls are in flight is safe (they finish or fail, never crash).
#pragma once
#include <napi.h>
#include <libvirt/libvirt.h>
#include <memory>
#include <mutex>
#include <vector>

#include "job.h"

namespace vw {

struct ConnState {
  std::mutex mu;
  virConnectPtr conn = nullptr;  // guarded by mu; null once closed
  std::vector<int> callback_ids;  // domain event registrations (events.cc)
  bool close_cb = false;          // close callback registered
};

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  static Napi::Object Wrap(Napi::Env env, virConnectPtr conn);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;
  // A new reference on the connection for a job (the job closes it); null once closed.
  virConnectPtr Acquire();
  std::shared_ptr<ConnState> state() { return st_; }

 private:
  static Napi::FunctionReference constructor_;
  std::shared_ptr<ConnState> st_;

  // connection.cc
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsAlive(const Napi::CallbackInfo& info);
  Napi::Value SetKeepAlive(const Napi::CallbackInfo& info);
  Napi::Value Hostname(const Napi::CallbackInfo& info);
  Napi::Value LibVersion(const Napi::CallbackInfo& info);
  Napi::Value HypervisorVersion(const Napi::CallbackInfo& info);
  Napi::Value Capabilities(const Napi::CallbackInfo& info);
  Napi::Value NodeInfo(const Napi::CallbackInfo& info);
  Napi::Value ListNodeDevices(const Napi::CallbackInfo& info);
  Napi::Value NodeDeviceXml(const Napi::CallbackInfo& info);
  // domain.cc
  Napi::Value ListAllDomains(const Napi::CallbackInfo& info);
  Napi::Value GetAllDomainStats(const Napi::CallbackInfo& info);
  Napi::Value DomainXml(const Napi::CallbackInfo& info);
  Napi::Value DefineXml(const Napi::CallbackInfo& info);
  Napi::Value CreateXml(const Napi::CallbackInfo& info);
  Napi::Value Undefine(const Napi::CallbackInfo& info);
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value Reboot(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value Suspend(const Napi::CallbackInfo& info);
  Napi::Value Resume(const Napi::CallbackInfo& info);
  Napi::Value ManagedSave(const Napi::CallbackInfo& info);
  Napi::Value ManagedSaveRemove(const Napi::CallbackInfo& info);
  Napi::Value SetAutostart(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value GetDomain(const Napi::CallbackInfo& info);
  Napi::Value FindDomain(const Napi::CallbackInfo& info);
  Napi::Value GetMetadata(const Napi::CallbackInfo& info);
  Napi::Value SetMetadata(const Napi::CallbackInfo& info);
  Napi::Value MetadataPair(const Napi::CallbackInfo& info);
  Napi::Value AttachDevice(const Napi::CallbackInfo& info);
  Napi::Value DetachDevice(const Napi::CallbackInfo& info);
  Napi::Value UpdateDevice(const Napi::CallbackInfo& info);
  Napi::Value BlockResize(const Napi::CallbackInfo& info);
  Napi::Value AgentCommand(const Napi::CallbackInfo& info);
  // migrate.cc
  Napi::Value JobStats(const Napi::CallbackInfo& info);
  Napi::Value AbortJob(const Napi::CallbackInfo& info);
  Napi::Value SetMaxDowntime(const Napi::CallbackInfo& info);
  Napi::Value MigrateToUri3(const Napi::CallbackInfo& info);
  Napi::Value Migrate3(const Napi::CallbackInfo& info);
  // storage.cc
  Napi::Value ListStoragePools(const Napi::CallbackInfo& info);
  Napi::Value PoolXml(const Napi::CallbackInfo& info);
  Napi::Value RefreshPool(const Napi::CallbackInfo& info);
  Napi::Value CreatePool(const Napi::CallbackInfo& info);
  Napi::Value DefinePool(const Napi::CallbackInfo& info);
  Napi::Value DestroyPool(const Napi::CallbackInfo& info);
  Napi::Value ListVolumes(const Napi::CallbackInfo& info);
  Napi::Value VolumeXml(const Napi::CallbackInfo& info);
  Napi::Value CreateVolume(const Napi::CallbackInfo& info);
  Napi::Value DeleteVolume(const Napi::CallbackInfo& info);
  Napi::Value ResizeVolume(const Napi::CallbackInfo& info);
  Napi::Value PoolInfo(const Napi::CallbackInfo& info);
  Napi::Value VolumeInfo(const Napi::CallbackInfo& info);
  Napi::Value VolumeByPath(const Napi::CallbackInfo& info);
  // events.cc
  Napi::Value Subscribe(const Napi::CallbackInfo& info);
};

// Helpers shared by the method files.
std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what);
double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* what);
// Optional flags (undefined → 0).
unsigned int FlagsArg(const Napi::CallbackInfo& info, size_t i);
// A libvirt-allocated string moved into the job's result (freed); false for null.
bool TakeString(LambdaJob& j, char* s);
// Result converters: the job's string (or null), the job's number.
Napi::Value StringResult(Napi::Env env, LambdaJob& j);
Napi::Value NumberResult(Napi::Env env, LambdaJob& j);
// The rejection of a call on a closed connection (VIR_ERR_INVALID_CONN, "connection is closed").
Napi::Value ClosedRejection(Napi::Env env);

// A domain named from JS: a name (string) or {uuid: string}.
struct DomainRef {
  std::string value;
  bool by_uuid = false;
  // Worker thread: the looked-up domain (the caller frees it), or null with libvirt's error set.
  virDomainPtr Lookup(virConnectPtr conn) const;
};
DomainRef DomainRefArg(const Napi::CallbackInfo& info, size_t i);

// Runs fn(domain, job) on a worker with the domain (argument 0) looked up (freed afterwards).
Napi::Value DomainCall(Connection* c, const Napi::CallbackInfo& info,
                       std::function<bool(virDomainPtr, LambdaJob&)> fn,
                       std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr);
// events.cc: drop the close callback (before the connection is closed).
void UnregisterCloseCallback(virConnectPtr conn);
// Runs fn(conn, job) on a worker holding a connection reference.
Napi::Value ConnCall(Connection* c, Napi::Env env, std::function<bool(virConnectPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr);

}  // namespace vw
