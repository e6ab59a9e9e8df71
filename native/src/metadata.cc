// Domain metadata (<metadata> elements in a namespace, title, description): where virtwarden
// records which guest owns a domain.
#include <cstdlib>

#include "connection.h"

namespace vw {

namespace {

std::string OptionalString(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : "";
}

const char* OrNull(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// Worker thread: reads one metadata item; true with `has` false when the domain has none.
bool ReadMetadata(virDomainPtr d, int type, const std::string& uri, unsigned int flags, std::string& to,
                  bool& has) {
  counted();
  char* s = virDomainGetMetadata(d, type, OrNull(uri), flags);
  if (s != nullptr) {
    to = s;
    has = true;
    free(s);
    return true;
  }
  virErrorPtr e = virGetLastError();
  // No such element; or no such definition: live of an inactive domain, config of a transient
  // one (libvirt's only reason for OPERATION_INVALID here).
  bool explicit_def = (flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)) != 0;
  bool absent = e != nullptr && (e->code == VIR_ERR_NO_DOMAIN_METADATA ||
                                 (explicit_def && e->code == VIR_ERR_OPERATION_INVALID));
  if (absent) virResetLastError();
  return absent;
}

}  // namespace

// getMetadata(ref, type, uri, flags): the element/text, or null when there is none.
Napi::Value Connection::GetMetadata(const Napi::CallbackInfo& info) {
  int type = static_cast<int>(NumberArg(info, 1, "metadata type"));
  std::string uri = OptionalString(info, 2);
  unsigned int flags = FlagsArg(info, 3);
  return DomainCall(
      this, info,
      [type, uri, flags](virDomainPtr d, LambdaJob& j) {
        return ReadMetadata(d, type, uri, flags, j.str, j.has_str);
      },
      StringResult);
}

// setMetadata(ref, type, metadata|null, key, uri, flags); null removes the item.
Napi::Value Connection::SetMetadata(const Napi::CallbackInfo& info) {
  int type = static_cast<int>(NumberArg(info, 1, "metadata type"));
  bool clear = info.Length() < 3 || info[2].IsNull() || info[2].IsUndefined();
  std::string meta = clear ? "" : StringArg(info, 2, "metadata");
  std::string key = OptionalString(info, 3);
  std::string uri = OptionalString(info, 4);
  unsigned int flags = FlagsArg(info, 5);
  return DomainCall(this, info, [=](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainSetMetadata(d, type, clear ? nullptr : meta.c_str(), OrNull(key), OrNull(uri), flags) >= 0;
  });
}

// metadataPair(ref, type, uri, withLive): the persistent and (when asked) the live metadata of
// one domain in a single lookup; null where there is none. Used for ownership records.
Napi::Value Connection::MetadataPair(const Napi::CallbackInfo& info) {
  int type = static_cast<int>(NumberArg(info, 1, "metadata type"));
  std::string uri = OptionalString(info, 2);
  bool with_live = info.Length() > 3 && info[3].ToBoolean().Value();
  struct Pair {
    std::string config, live;
    bool has_config = false, has_live = false;
  };
  auto out = std::make_shared<Pair>();
  return DomainCall(
      this, info,
      [out, type, uri, with_live](virDomainPtr d, LambdaJob&) {
        if (!ReadMetadata(d, type, uri, VIR_DOMAIN_AFFECT_CONFIG, out->config, out->has_config)) return false;
        return !with_live || ReadMetadata(d, type, uri, VIR_DOMAIN_AFFECT_LIVE, out->live, out->has_live);
      },
      [out](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("config", out->has_config ? Napi::Value(Napi::String::New(env, out->config)) : env.Null());
        o.Set("live", out->has_live ? Napi::Value(Napi::String::New(env, out->live)) : env.Null());
        return o;
      });
}

}  // namespace vw
