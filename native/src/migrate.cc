// Migration and job statistics.
#include "connection.h"
#include "convert.h"

namespace vw {

namespace {

// Migration parameters read on the JS thread: strings (URIs, names, XML) and numbers (bandwidth).
struct MigrateParams {
  std::vector<std::pair<std::string, std::string>> strings;
  std::vector<std::pair<std::string, unsigned long long>> numbers;
};

// The VIR_MIGRATE_PARAM_* keys libvirt 9.0 accepts that the binding passes through.
MigrateParams ReadParams(const Napi::CallbackInfo& info, size_t i) {
  MigrateParams p;
  if (info.Length() <= i || info[i].IsUndefined()) return p;
  if (!info[i].IsObject()) throw Napi::TypeError::New(info.Env(), "migration parameters must be an object");
  Napi::Object o = info[i].As<Napi::Object>();
  const char* strings[] = {VIR_MIGRATE_PARAM_URI,          VIR_MIGRATE_PARAM_DEST_NAME,
                           VIR_MIGRATE_PARAM_DEST_XML,     VIR_MIGRATE_PARAM_PERSIST_XML,
                           VIR_MIGRATE_PARAM_LISTEN_ADDRESS, VIR_MIGRATE_PARAM_GRAPHICS_URI};
  for (const char* k : strings) {
    Napi::Value v = o.Get(k);
    if (v.IsUndefined()) continue;
    if (!v.IsString()) {
      throw Napi::TypeError::New(info.Env(), std::string("migration parameter ") + k + " must be a string");
    }
    p.strings.emplace_back(k, v.As<Napi::String>().Utf8Value());
  }
  Napi::Value bw = o.Get(VIR_MIGRATE_PARAM_BANDWIDTH);
  if (!bw.IsUndefined()) {
    if (!bw.IsNumber()) throw Napi::TypeError::New(info.Env(), "migration bandwidth must be a number (MiB/s)");
    auto mib = static_cast<unsigned long long>(bw.As<Napi::Number>().DoubleValue());
    p.numbers.emplace_back(VIR_MIGRATE_PARAM_BANDWIDTH, mib);
  }
  return p;
}

// Optional maximum downtime in ms (argument i); 0 = leave QEMU's default.
unsigned long long DowntimeArg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined() || info[i].IsNull()) return 0;
  return static_cast<unsigned long long>(NumberArg(info, i, "maximum downtime"));
}

// Worker thread: typed parameters for libvirt; the caller frees them with virTypedParamsFree.
bool BuildParams(const MigrateParams& mp, virTypedParameterPtr* params, int* n) {
  int max = 0;
  for (const auto& s : mp.strings) {
    if (virTypedParamsAddString(params, n, &max, s.first.c_str(), s.second.c_str()) < 0) return false;
  }
  for (const auto& u : mp.numbers) {
    if (virTypedParamsAddULLong(params, n, &max, u.first.c_str(), u.second) < 0) return false;
  }
  return true;
}

// Worker thread: libvirt 9.0 has no downtime parameter for migrate3; the limit is a QEMU
// migration parameter set on the running source right before the job (not for offline moves).
bool ApplyDowntime(virDomainPtr d, unsigned long long ms, unsigned int flags) {
  if (ms == 0 || (flags & VIR_MIGRATE_OFFLINE) != 0) return true;
  counted();
  return virDomainMigrateSetMaxDowntime(d, ms, 0) >= 0;
}

}  // namespace

// jobStats(ref, flags) → {type, stats}; flag completed: the last finished job's statistics.
Napi::Value Connection::JobStats(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 1);
  auto out = std::make_shared<std::pair<int, std::vector<TypedValue>>>();
  return DomainCall(
      this, info,
      [out, flags](virDomainPtr d, LambdaJob&) {
        virTypedParameterPtr params = nullptr;
        int n = 0;
        counted();
        if (virDomainGetJobStats(d, &out->first, &params, &n, flags) < 0) return false;
        out->second = CopyTyped(params, n);
        virTypedParamsFree(params, n);
        return true;
      },
      [out](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("type", out->first);
        o.Set("stats", TypedToObject(env, out->second));
        return o;
      });
}

Napi::Value Connection::SetMaxDowntime(const Napi::CallbackInfo& info) {
  auto ms = static_cast<unsigned long long>(NumberArg(info, 1, "maximum downtime"));
  return DomainCall(this, info, [ms](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainMigrateSetMaxDowntime(d, ms, 0) >= 0;
  });
}

// migrateToUri3(ref, destinationUri, params, flags, maxDowntimeMs): peer-to-peer (the source
// host's daemon connects to the destination), optionally tunnelled through libvirtd.
Napi::Value Connection::MigrateToUri3(const Napi::CallbackInfo& info) {
  std::string dest = StringArg(info, 1, "destination URI");
  MigrateParams mp = ReadParams(info, 2);
  unsigned int flags = FlagsArg(info, 3);
  unsigned long long downtime = DowntimeArg(info, 4);
  return DomainCall(this, info, [dest, mp, flags, downtime](virDomainPtr d, LambdaJob& j) {
    virTypedParameterPtr params = nullptr;
    int n = 0;
    bool ok = ApplyDowntime(d, downtime, flags) && BuildParams(mp, &params, &n);
    if (ok) {
      counted();
      ok = virDomainMigrateToURI3(d, dest.c_str(), params, n, flags) >= 0;
    }
    if (!ok) j.err.capture();  // libvirt errors are per thread and reset by the next API call
    virTypedParamsFree(params, n);
    return ok;
  });
}

// migrate3(ref, destinationConnection, params, flags, maxDowntimeMs): this client drives both
// hosts (the destination needs no route to the source's daemon).
Napi::Value Connection::Migrate3(const Napi::CallbackInfo& info) {
  bool is_conn = info.Length() > 1 && info[1].IsObject() &&
                 info[1].As<Napi::Object>().InstanceOf(constructor_.Value());
  if (!is_conn) {
    throw Napi::TypeError::New(info.Env(), "the destination must be a connection");
  }
  Connection* dest = Napi::ObjectWrap<Connection>::Unwrap(info[1].As<Napi::Object>());
  MigrateParams mp = ReadParams(info, 2);
  unsigned int flags = FlagsArg(info, 3);
  unsigned long long downtime = DowntimeArg(info, 4);
  DomainRef ref = DomainRefArg(info, 0);
  virConnectPtr dconn = dest->Acquire();
  if (dconn == nullptr) return ClosedRejection(info.Env());
  virConnectPtr sconn = Acquire();
  if (sconn == nullptr) {
    virConnectClose(dconn);  // not the last reference: the destination is still open
    return ClosedRejection(info.Env());
  }
  auto* job = new LambdaJob(info.Env(), [ref, sconn, dconn, mp, flags, downtime](LambdaJob& j) {
    bool ok = false;
    virDomainPtr d = ref.Lookup(sconn);
    if (d != nullptr) {
      virTypedParameterPtr params = nullptr;
      int n = 0;
      ok = ApplyDowntime(d, downtime, flags) && BuildParams(mp, &params, &n);
      if (ok) {
        counted();
        virDomainPtr migrated = virDomainMigrate3(d, dconn, params, n, flags);
        ok = migrated != nullptr;
        if (ok) virDomainFree(migrated);
      }
      if (!ok) j.err.capture();
      virTypedParamsFree(params, n);
      virDomainFree(d);
    } else {
      j.err.capture();
    }
    virConnectClose(dconn);
    virConnectClose(sconn);
    return ok;
  });
  return job->Start();
}

}  // namespace vw
