// Jobs and live migration.
#include "connection.h"
#include "convert.h"

namespace vw {

namespace {

// Migration parameters from a JS object: strings for URIs/names/XML, numbers for bandwidth.
struct MigrateParams {
  std::vector<std::pair<std::string, std::string>> strings;
  std::vector<std::pair<std::string, unsigned long long>> numbers;
};

MigrateParams ReadParams(const Napi::Value& v) {
  MigrateParams p;
  if (!v.IsObject()) return p;
  Napi::Object o = v.As<Napi::Object>();
  const char* strs[] = {VIR_MIGRATE_PARAM_URI, VIR_MIGRATE_PARAM_DEST_NAME, VIR_MIGRATE_PARAM_DEST_XML,
                        VIR_MIGRATE_PARAM_PERSIST_XML, VIR_MIGRATE_PARAM_LISTEN_ADDRESS,
                        VIR_MIGRATE_PARAM_GRAPHICS_URI};
  for (const char* k : strs) {
    if (o.Has(k) && o.Get(k).IsString()) p.strings.emplace_back(k, o.Get(k).As<Napi::String>().Utf8Value());
  }
  if (o.Has(VIR_MIGRATE_PARAM_BANDWIDTH) && o.Get(VIR_MIGRATE_PARAM_BANDWIDTH).IsNumber()) {
    p.numbers.emplace_back(VIR_MIGRATE_PARAM_BANDWIDTH,
                           static_cast<unsigned long long>(o.Get(VIR_MIGRATE_PARAM_BANDWIDTH).As<Napi::Number>().DoubleValue()));
  }
  return p;
}

// Build virTypedParameters on the worker thread; returns false (error captured) on failure.
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

}  // namespace

Napi::Value Connection::JobStats(const Napi::CallbackInfo& info) {
  auto out = std::make_shared<std::pair<int, std::vector<TypedValue>>>();
  return DomainCall(
      this, info, "domain name",
      [out](virDomainPtr d, LambdaJob&) {
        virTypedParameterPtr params = nullptr;
        int n = 0;
        counted();
        if (virDomainGetJobStats(d, &out->first, &params, &n, 0) < 0) return false;
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

Napi::Value Connection::AbortJob(const Napi::CallbackInfo& info) {
  return DomainCall(this, info, "domain name", [](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainAbortJob(d) >= 0;
  });
}

Napi::Value Connection::SetMaxDowntime(const Napi::CallbackInfo& info) {
  unsigned long long ms = static_cast<unsigned long long>(info[1].As<Napi::Number>().DoubleValue());
  return DomainCall(this, info, "domain name", [ms](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainMigrateSetMaxDowntime(d, ms, 0) >= 0;
  });
}

// migrateToUri3(name, destinationUri, params, flags): peer-to-peer (the source host's daemon
// connects to the destination), optionally tunnelled through libvirtd.
Napi::Value Connection::MigrateToUri3(const Napi::CallbackInfo& info) {
  std::string dest = StringArg(info, 1, "destination URI");
  MigrateParams mp = ReadParams(info.Length() > 2 ? info[2] : info.Env().Undefined());
  unsigned int flags = FlagsArg(info, 3);
  return DomainCall(this, info, "domain name", [dest, mp, flags](virDomainPtr d, LambdaJob& j) {
    virTypedParameterPtr params = nullptr;
    int n = 0;
    if (!BuildParams(mp, &params, &n)) {
      j.err.capture();
      virTypedParamsFree(params, n);
      return false;
    }
    counted();
    int r = virDomainMigrateToURI3(d, dest.c_str(), params, n, flags);
    if (r < 0) j.err.capture();
    virTypedParamsFree(params, n);
    return r >= 0;
  });
}

// migrate3(name, destinationConnection, params, flags): this client drives both hosts.
Napi::Value Connection::Migrate3(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[1].IsObject()) throw Napi::TypeError::New(info.Env(), "destination connection required");
  Connection* destConn = Napi::ObjectWrap<Connection>::Unwrap(info[1].As<Napi::Object>());
  virConnectPtr dconn = destConn->Acquire(info.Env());
  MigrateParams mp = ReadParams(info.Length() > 2 ? info[2] : info.Env().Undefined());
  unsigned int flags = FlagsArg(info, 3);
  std::string name = StringArg(info, 0, "domain name");
  Napi::Value p;
  try {
    p = ConnCall(this, info.Env(), [name, dconn, mp, flags](virConnectPtr conn, LambdaJob& j) {
      bool ok = false;
      counted();
      virDomainPtr d = virDomainLookupByName(conn, name.c_str());
      if (d == nullptr) {
        j.err.capture();
      } else {
        virTypedParameterPtr params = nullptr;
        int n = 0;
        ok = BuildParams(mp, &params, &n);
        if (ok) {
          counted();
          virDomainPtr nd = virDomainMigrate3(d, dconn, params, n, flags);
          ok = nd != nullptr;
          if (!ok) j.err.capture();
          else virDomainFree(nd);
        } else {
          j.err.capture();
        }
        virTypedParamsFree(params, n);
        virDomainFree(d);
      }
      virConnectClose(dconn);
      return ok;
    });
  } catch (...) {
    virConnectClose(dconn);
    throw;
  }
  return p;
}

}  // namespace vw
