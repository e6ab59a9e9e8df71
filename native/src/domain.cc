// Domains: the bulk list, and the per-domain calls (each looks the domain up by name).
#include <cstdlib>
#include <map>

#include "connection.h"
#include "convert.h"

namespace vw {

namespace {

struct DomRow {
  std::string name, uuid;
  int id = -1;
  int state = 0, reason = 0;
  bool persistent = false, autostart = false, managed_save = false;
};

// The set of domain UUIDs a filtered list returns (one call, whatever the number of domains).
bool UuidSet(virConnectPtr conn, unsigned int flags, std::map<std::string, bool>& out) {
  virDomainPtr* doms = nullptr;
  counted();
  int n = virConnectListAllDomains(conn, &doms, flags);
  if (n < 0) return false;
  char uuid[VIR_UUID_STRING_BUFLEN];
  for (int i = 0; i < n; i++) {
    if (virDomainGetUUIDString(doms[i], uuid) == 0) out[uuid] = true;
    virDomainFree(doms[i]);
  }
  free(doms);
  return true;
}

}  // namespace

// Every domain with state and reason, persistence, autostart and managed save: a constant
// number of calls per host (stats for state, three filtered lists for the flags), where the
// per-domain getters would cost four calls per domain.
Napi::Value Connection::ListAllDomains(const Napi::CallbackInfo& info) {
  auto rows = std::make_shared<std::vector<DomRow>>();
  return ConnCall(
      this, info.Env(),
      [rows](virConnectPtr conn, LambdaJob&) {
        virDomainStatsRecordPtr* records = nullptr;
        counted();
        int n = virConnectGetAllDomainStats(conn, VIR_DOMAIN_STATS_STATE, &records, 0);
        if (n < 0) return false;
        std::map<std::string, bool> persistent, autostart, saved;
        bool ok = UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_PERSISTENT, persistent) &&
                  UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, autostart) &&
                  UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, saved);
        char uuid[VIR_UUID_STRING_BUFLEN];
        for (int i = 0; ok && i < n; i++) {
          DomRow r;
          virDomainPtr dom = records[i]->dom;
          const char* name = virDomainGetName(dom);
          r.name = name != nullptr ? name : "";
          if (virDomainGetUUIDString(dom, uuid) == 0) r.uuid = uuid;
          unsigned int id = virDomainGetID(dom);
          r.id = id == static_cast<unsigned int>(-1) ? -1 : static_cast<int>(id);
          for (int k = 0; k < records[i]->nparams; k++) {
            virTypedParameterPtr p = &records[i]->params[k];
            std::string field = p->field;
            if (field == "state.state") r.state = p->value.i;
            if (field == "state.reason") r.reason = p->value.i;
          }
          r.persistent = persistent.count(r.uuid) > 0;
          r.autostart = autostart.count(r.uuid) > 0;
          r.managed_save = saved.count(r.uuid) > 0;
          rows->push_back(r);
        }
        virDomainStatsRecordListFree(records);
        return ok;
      },
      [rows](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, rows->size());
        for (size_t i = 0; i < rows->size(); i++) {
          const DomRow& r = (*rows)[i];
          Napi::Object o = Napi::Object::New(env);
          o.Set("name", r.name);
          o.Set("uuid", r.uuid);
          o.Set("id", r.id);
          o.Set("state", r.state);
          o.Set("reason", r.reason);
          o.Set("persistent", r.persistent);
          o.Set("autostart", r.autostart);
          o.Set("managedSave", r.managed_save);
          a.Set(static_cast<uint32_t>(i), o);
        }
        return a;
      });
}

Napi::Value Connection::GetAllDomainStats(const Napi::CallbackInfo& info) {
  unsigned int stats = FlagsArg(info, 0);
  unsigned int flags = FlagsArg(info, 1);
  auto out = std::make_shared<std::vector<std::pair<std::string, std::vector<TypedValue>>>>();
  return ConnCall(
      this, info.Env(),
      [stats, flags, out](virConnectPtr conn, LambdaJob&) {
        virDomainStatsRecordPtr* records = nullptr;
        counted();
        int n = virConnectGetAllDomainStats(conn, stats, &records, flags);
        if (n < 0) return false;
        for (int i = 0; i < n; i++) {
          const char* name = virDomainGetName(records[i]->dom);
          out->emplace_back(name != nullptr ? name : "", CopyTyped(records[i]->params, records[i]->nparams));
        }
        virDomainStatsRecordListFree(records);
        return true;
      },
      [out](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, out->size());
        for (size_t i = 0; i < out->size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("name", (*out)[i].first);
          o.Set("stats", TypedToObject(env, (*out)[i].second));
          a.Set(static_cast<uint32_t>(i), o);
        }
        return a;
      });
}

static Napi::Value Str(Napi::Env env, LambdaJob& j) {
  return j.has_str ? Napi::Value(Napi::String::New(env, j.str)) : env.Null();
}

static bool Take(LambdaJob& j, char* s) {
  if (s == nullptr) return false;
  j.str = s;
  j.has_str = true;
  free(s);
  return true;
}

Napi::Value Connection::DomainXml(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 1);
  return DomainCall(
      this, info, "domain name", [flags](virDomainPtr d, LambdaJob& j) { counted(); return Take(j, virDomainGetXMLDesc(d, flags)); }, Str);
}

Napi::Value Connection::DefineXml(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "domain XML");
  unsigned int flags = FlagsArg(info, 1);
  return ConnCall(
      this, info.Env(),
      [xml, flags](virConnectPtr conn, LambdaJob& j) {
        counted();
        virDomainPtr d = virDomainDefineXMLFlags(conn, xml.c_str(), flags);
        if (d == nullptr) return false;
        const char* name = virDomainGetName(d);
        j.str = name != nullptr ? name : "";
        j.has_str = true;
        virDomainFree(d);
        return true;
      },
      Str);
}

Napi::Value Connection::CreateXml(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "domain XML");
  unsigned int flags = FlagsArg(info, 1);
  return ConnCall(
      this, info.Env(),
      [xml, flags](virConnectPtr conn, LambdaJob& j) {
        counted();
        virDomainPtr d = virDomainCreateXML(conn, xml.c_str(), flags);
        if (d == nullptr) return false;
        const char* name = virDomainGetName(d);
        j.str = name != nullptr ? name : "";
        j.has_str = true;
        virDomainFree(d);
        return true;
      },
      Str);
}

#define SIMPLE_DOMAIN_CALL(Method, call)                                                \
  Napi::Value Connection::Method(const Napi::CallbackInfo& info) {                     \
    unsigned int flags = FlagsArg(info, 1);                                             \
    (void)flags;                                                                        \
    return DomainCall(this, info, "domain name", [flags](virDomainPtr d, LambdaJob&) { \
      counted();                                                                        \
      return (call) >= 0;                                                               \
    });                                                                                 \
  }

SIMPLE_DOMAIN_CALL(Undefine, virDomainUndefineFlags(d, flags))
SIMPLE_DOMAIN_CALL(Start, virDomainCreateWithFlags(d, flags))
SIMPLE_DOMAIN_CALL(Shutdown, virDomainShutdownFlags(d, flags))
SIMPLE_DOMAIN_CALL(Reboot, virDomainReboot(d, flags))
SIMPLE_DOMAIN_CALL(Destroy, virDomainDestroyFlags(d, flags))
SIMPLE_DOMAIN_CALL(Suspend, virDomainSuspend(d))
SIMPLE_DOMAIN_CALL(Resume, virDomainResume(d))
SIMPLE_DOMAIN_CALL(ManagedSave, virDomainManagedSave(d, flags))
SIMPLE_DOMAIN_CALL(ManagedSaveRemove, virDomainManagedSaveRemove(d, flags))

Napi::Value Connection::SetAutostart(const Napi::CallbackInfo& info) {
  int on = info.Length() > 1 && info[1].ToBoolean().Value() ? 1 : 0;
  return DomainCall(this, info, "domain name", [on](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainSetAutostart(d, on) >= 0;
  });
}

Napi::Value Connection::GetState(const Napi::CallbackInfo& info) {
  auto st = std::make_shared<std::pair<int, int>>(0, 0);
  return DomainCall(
      this, info, "domain name",
      [st](virDomainPtr d, LambdaJob&) {
        counted();
        return virDomainGetState(d, &st->first, &st->second, 0) >= 0;
      },
      [st](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("state", st->first);
        o.Set("reason", st->second);
        return o;
      });
}

// getMetadata(name, type, uri, flags): the element/text, or null when there is none.
Napi::Value Connection::GetMetadata(const Napi::CallbackInfo& info) {
  int type = info[1].As<Napi::Number>().Int32Value();
  std::string uri = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  unsigned int flags = FlagsArg(info, 3);
  return DomainCall(
      this, info, "domain name",
      [type, uri, flags](virDomainPtr d, LambdaJob& j) {
        counted();
        char* s = virDomainGetMetadata(d, type, uri.empty() ? nullptr : uri.c_str(), flags);
        if (s == nullptr) {
          virErrorPtr e = virGetLastError();
          if (e != nullptr && e->code == VIR_ERR_NO_DOMAIN_METADATA) {
            virResetLastError();
            return true;  // no such metadata: resolve null
          }
          return false;
        }
        return Take(j, s);
      },
      Str);
}

// setMetadata(name, type, metadata|null, key, uri, flags)
Napi::Value Connection::SetMetadata(const Napi::CallbackInfo& info) {
  int type = info[1].As<Napi::Number>().Int32Value();
  bool clear = info.Length() < 3 || info[2].IsNull() || info[2].IsUndefined();
  std::string meta = clear ? "" : info[2].As<Napi::String>().Utf8Value();
  std::string key = info.Length() > 3 && info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "";
  std::string uri = info.Length() > 4 && info[4].IsString() ? info[4].As<Napi::String>().Utf8Value() : "";
  unsigned int flags = FlagsArg(info, 5);
  return DomainCall(this, info, "domain name", [=](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainSetMetadata(d, type, clear ? nullptr : meta.c_str(), key.empty() ? nullptr : key.c_str(),
                                uri.empty() ? nullptr : uri.c_str(), flags) >= 0;
  });
}

#define DEVICE_CALL(Method, fn)                                                          \
  Napi::Value Connection::Method(const Napi::CallbackInfo& info) {                      \
    std::string xml = StringArg(info, 1, "device XML");                                  \
    unsigned int flags = FlagsArg(info, 2);                                              \
    return DomainCall(this, info, "domain name", [xml, flags](virDomainPtr d, LambdaJob&) { \
      counted();                                                                         \
      return fn(d, xml.c_str(), flags) >= 0;                                             \
    });                                                                                  \
  }

DEVICE_CALL(AttachDevice, virDomainAttachDeviceFlags)
DEVICE_CALL(DetachDevice, virDomainDetachDeviceFlags)
DEVICE_CALL(UpdateDevice, virDomainUpdateDeviceFlags)

Napi::Value Connection::BlockResize(const Napi::CallbackInfo& info) {
  std::string disk = StringArg(info, 1, "disk");
  unsigned long long size = static_cast<unsigned long long>(info[2].As<Napi::Number>().DoubleValue());
  unsigned int flags = FlagsArg(info, 3);
  return DomainCall(this, info, "domain name", [disk, size, flags](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainBlockResize(d, disk.c_str(), size, flags) >= 0;
  });
}

}  // namespace vw

namespace vw {

// metadataPair(name, type, uri, withLive): the persistent and (when asked) the live metadata of
// one domain in a single lookup; null where there is none. Used for ownership records.
Napi::Value Connection::MetadataPair(const Napi::CallbackInfo& info) {
  int type = info[1].As<Napi::Number>().Int32Value();
  std::string uri = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  bool with_live = info.Length() > 3 && info[3].ToBoolean().Value();
  struct Pair {
    std::string config, live;
    bool has_config = false, has_live = false;
  };
  auto out = std::make_shared<Pair>();
  auto read = [type, uri](virDomainPtr d, unsigned int flags, std::string& to, bool& has) {
    counted();
    char* s = virDomainGetMetadata(d, type, uri.empty() ? nullptr : uri.c_str(), flags);
    if (s != nullptr) {
      to = s;
      has = true;
      free(s);
      return true;
    }
    virErrorPtr e = virGetLastError();
    bool absent = e != nullptr && (e->code == VIR_ERR_NO_DOMAIN_METADATA || e->code == VIR_ERR_OPERATION_INVALID);
    if (absent) virResetLastError();
    return absent;
  };
  return DomainCall(
      this, info, "domain name",
      [out, read, with_live](virDomainPtr d, LambdaJob&) {
        if (!read(d, VIR_DOMAIN_AFFECT_CONFIG, out->config, out->has_config)) return false;
        return !with_live || read(d, VIR_DOMAIN_AFFECT_LIVE, out->live, out->has_live);
      },
      [out](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("config", out->has_config ? Napi::Value(Napi::String::New(env, out->config)) : env.Null());
        o.Set("live", out->has_live ? Napi::Value(Napi::String::New(env, out->live)) : env.Null());
        return o;
      });
}

}  // namespace vw
