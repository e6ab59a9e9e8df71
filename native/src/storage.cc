// Storage pools and volumes.
#include <cstdlib>

#include "connection.h"

namespace vw {

namespace {

struct PoolRow {
  std::string name, uuid;
  bool active = false, persistent = false, autostart = false;
};

struct VolRow {
  std::string name, path;
  int type = 0;
  double capacity = 0, allocation = 0;
};

Napi::Value Str(Napi::Env env, LambdaJob& j) { return j.has_str ? Napi::Value(Napi::String::New(env, j.str)) : env.Null(); }

bool Take(LambdaJob& j, char* s) {
  if (s == nullptr) return false;
  j.str = s;
  j.has_str = true;
  free(s);
  return true;
}

// Runs fn(pool) with the pool looked up by name (freed afterwards).
Napi::Value PoolCall(Connection* c, const Napi::CallbackInfo& info,
                     std::function<bool(virStoragePoolPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr) {
  std::string name = StringArg(info, 0, "pool name");
  return ConnCall(
      c, info.Env(),
      [name, fn](virConnectPtr conn, LambdaJob& j) {
        counted();
        virStoragePoolPtr pool = virStoragePoolLookupByName(conn, name.c_str());
        if (pool == nullptr) return false;
        bool ok = fn(pool, j);
        if (!ok && !j.err.set) j.err.capture();
        virStoragePoolFree(pool);
        return ok;
      },
      std::move(result));
}

// Runs fn(volume) with pool and volume looked up by name.
Napi::Value VolumeCall(Connection* c, const Napi::CallbackInfo& info,
                       std::function<bool(virStorageVolPtr, LambdaJob&)> fn,
                       std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr) {
  std::string vol = StringArg(info, 1, "volume name");
  return PoolCall(
      c, info,
      [vol, fn](virStoragePoolPtr pool, LambdaJob& j) {
        counted();
        virStorageVolPtr v = virStorageVolLookupByName(pool, vol.c_str());
        if (v == nullptr) return false;
        bool ok = fn(v, j);
        if (!ok && !j.err.set) j.err.capture();
        virStorageVolFree(v);
        return ok;
      },
      std::move(result));
}

}  // namespace

Napi::Value Connection::ListStoragePools(const Napi::CallbackInfo& info) {
  auto rows = std::make_shared<std::vector<PoolRow>>();
  return ConnCall(
      this, info.Env(),
      [rows](virConnectPtr conn, LambdaJob&) {
        virStoragePoolPtr* pools = nullptr;
        counted();
        int n = virConnectListAllStoragePools(conn, &pools, 0);
        if (n < 0) return false;
        char uuid[VIR_UUID_STRING_BUFLEN];
        for (int i = 0; i < n; i++) {
          PoolRow r;
          const char* name = virStoragePoolGetName(pools[i]);
          r.name = name != nullptr ? name : "";
          if (virStoragePoolGetUUIDString(pools[i], uuid) == 0) r.uuid = uuid;
          counted();
          r.active = virStoragePoolIsActive(pools[i]) == 1;
          counted();
          r.persistent = virStoragePoolIsPersistent(pools[i]) == 1;
          int autostart = 0;
          counted();
          if (virStoragePoolGetAutostart(pools[i], &autostart) == 0) r.autostart = autostart != 0;
          rows->push_back(r);
          virStoragePoolFree(pools[i]);
        }
        free(pools);
        virResetLastError();
        return true;
      },
      [rows](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, rows->size());
        for (size_t i = 0; i < rows->size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("name", (*rows)[i].name);
          o.Set("uuid", (*rows)[i].uuid);
          o.Set("active", (*rows)[i].active);
          o.Set("persistent", (*rows)[i].persistent);
          o.Set("autostart", (*rows)[i].autostart);
          a.Set(static_cast<uint32_t>(i), o);
        }
        return a;
      });
}

Napi::Value Connection::PoolXml(const Napi::CallbackInfo& info) {
  return PoolCall(this, info, [](virStoragePoolPtr p, LambdaJob& j) { counted(); return Take(j, virStoragePoolGetXMLDesc(p, 0)); }, Str);
}

Napi::Value Connection::RefreshPool(const Napi::CallbackInfo& info) {
  return PoolCall(this, info, [](virStoragePoolPtr p, LambdaJob&) { counted(); return virStoragePoolRefresh(p, 0) >= 0; });
}

Napi::Value Connection::DestroyPool(const Napi::CallbackInfo& info) {
  return PoolCall(this, info, [](virStoragePoolPtr p, LambdaJob&) {
    counted();
    int r = virStoragePoolDestroy(p);
    if (r < 0) return false;
    counted();
    if (virStoragePoolIsPersistent(p) == 1) {
      counted();
      return virStoragePoolUndefine(p) >= 0;
    }
    return true;
  });
}

// createPool(xml): a transient, started pool (e.g. a dir pool over /dev/disk/by-id for a check).
Napi::Value Connection::CreatePool(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "pool XML");
  return ConnCall(this, info.Env(), [xml](virConnectPtr conn, LambdaJob& j) {
    counted();
    virStoragePoolPtr p = virStoragePoolCreateXML(conn, xml.c_str(), 0);
    if (p == nullptr) return false;
    const char* name = virStoragePoolGetName(p);
    j.str = name != nullptr ? name : "";
    j.has_str = true;
    virStoragePoolFree(p);
    return true;
  }, Str);
}

// definePool(xml): a persistent pool, built and started.
Napi::Value Connection::DefinePool(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "pool XML");
  return ConnCall(this, info.Env(), [xml](virConnectPtr conn, LambdaJob& j) {
    counted();
    virStoragePoolPtr p = virStoragePoolDefineXML(conn, xml.c_str(), 0);
    if (p == nullptr) return false;
    counted();
    virStoragePoolBuild(p, 0);  // a dir that exists already is fine
    virResetLastError();
    counted();
    bool ok = virStoragePoolCreate(p, 0) >= 0;
    if (!ok) j.err.capture();
    virStoragePoolFree(p);
    return ok;
  });
}

Napi::Value Connection::ListVolumes(const Napi::CallbackInfo& info) {
  auto rows = std::make_shared<std::vector<VolRow>>();
  return PoolCall(
      this, info,
      [rows](virStoragePoolPtr pool, LambdaJob&) {
        virStorageVolPtr* vols = nullptr;
        counted();
        int n = virStoragePoolListAllVolumes(pool, &vols, 0);
        if (n < 0) return false;
        for (int i = 0; i < n; i++) {
          VolRow r;
          const char* name = virStorageVolGetName(vols[i]);
          r.name = name != nullptr ? name : "";
          const char* key = virStorageVolGetKey(vols[i]);
          r.path = key != nullptr ? key : "";
          virStorageVolInfo vi;
          counted();
          if (virStorageVolGetInfo(vols[i], &vi) == 0) {
            r.type = vi.type;
            r.capacity = static_cast<double>(vi.capacity);
            r.allocation = static_cast<double>(vi.allocation);
          }
          rows->push_back(r);
          virStorageVolFree(vols[i]);
        }
        free(vols);
        virResetLastError();
        return true;
      },
      [rows](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, rows->size());
        for (size_t i = 0; i < rows->size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("name", (*rows)[i].name);
          o.Set("path", (*rows)[i].path);
          o.Set("type", (*rows)[i].type);
          o.Set("capacity", (*rows)[i].capacity);
          o.Set("allocation", (*rows)[i].allocation);
          a.Set(static_cast<uint32_t>(i), o);
        }
        return a;
      });
}

Napi::Value Connection::VolumeXml(const Napi::CallbackInfo& info) {
  return VolumeCall(this, info, [](virStorageVolPtr v, LambdaJob& j) { counted(); return Take(j, virStorageVolGetXMLDesc(v, 0)); }, Str);
}

// createVolume(pool, xml, flags) → the new volume's path.
Napi::Value Connection::CreateVolume(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 1, "volume XML");
  unsigned int flags = FlagsArg(info, 2);
  return PoolCall(
      this, info,
      [xml, flags](virStoragePoolPtr pool, LambdaJob& j) {
        counted();
        virStorageVolPtr v = virStorageVolCreateXML(pool, xml.c_str(), flags);
        if (v == nullptr) return false;
        counted();
        bool ok = Take(j, virStorageVolGetPath(v));
        if (!ok) j.err.capture();
        virStorageVolFree(v);
        return ok;
      },
      Str);
}

Napi::Value Connection::DeleteVolume(const Napi::CallbackInfo& info) {
  return VolumeCall(this, info, [](virStorageVolPtr v, LambdaJob&) { counted(); return virStorageVolDelete(v, 0) >= 0; });
}

// resizeVolume(pool, name, bytes, flags)
Napi::Value Connection::ResizeVolume(const Napi::CallbackInfo& info) {
  unsigned long long size = static_cast<unsigned long long>(info[2].As<Napi::Number>().DoubleValue());
  unsigned int flags = FlagsArg(info, 3);
  return VolumeCall(this, info, [size, flags](virStorageVolPtr v, LambdaJob&) {
    counted();
    return virStorageVolResize(v, size, flags) >= 0;
  });
}

}  // namespace vw
