// Storage pools: listed in bulk, addressed by name.
#include <cstdlib>

#include "storage.h"

namespace vw {

namespace {

struct PoolRow {
  std::string name, uuid;
  bool active = false, persistent = false, autostart = false;
};

}  // namespace

Napi::Value PoolCall(Connection* c, const Napi::CallbackInfo& info,
                     std::function<bool(virStoragePoolPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result) {
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

// listStoragePools() → [{name, uuid, active, persistent, autostart}].
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
        virResetLastError();  // a pool undefined mid-list only loses its flags
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

// poolInfo(name) → {state, capacity, allocation, available} (bytes; virStoragePoolState).
Napi::Value Connection::PoolInfo(const Napi::CallbackInfo& info) {
  auto pi = std::make_shared<virStoragePoolInfo>();
  return PoolCall(
      this, info,
      [pi](virStoragePoolPtr p, LambdaJob&) {
        counted();
        return virStoragePoolGetInfo(p, pi.get()) >= 0;
      },
      [pi](Napi::Env env, LambdaJob&) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("state", pi->state);
        o.Set("capacity", static_cast<double>(pi->capacity));
        o.Set("allocation", static_cast<double>(pi->allocation));
        o.Set("available", static_cast<double>(pi->available));
        return o;
      });
}

Napi::Value Connection::PoolXml(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 1);
  return PoolCall(
      this, info,
      [flags](virStoragePoolPtr p, LambdaJob& j) {
        counted();
        return TakeString(j, virStoragePoolGetXMLDesc(p, flags));
      },
      StringResult);
}

Napi::Value Connection::RefreshPool(const Napi::CallbackInfo& info) {
  return PoolCall(this, info, [](virStoragePoolPtr p, LambdaJob&) {
    counted();
    return virStoragePoolRefresh(p, 0) >= 0;
  });
}

// destroyPool(name): stops the pool, and undefines it when persistent. Volumes stay on disk.
Napi::Value Connection::DestroyPool(const Napi::CallbackInfo& info) {
  return PoolCall(this, info, [](virStoragePoolPtr p, LambdaJob&) {
    counted();
    if (virStoragePoolIsActive(p) == 1) {
      counted();
      if (virStoragePoolDestroy(p) < 0) return false;
    }
    counted();
    if (virStoragePoolIsPersistent(p) == 1) {
      counted();
      return virStoragePoolUndefine(p) >= 0;
    }
    return true;
  });
}

// createPool(xml) → name: a transient, started pool (e.g. a dir pool to look into a folder).
Napi::Value Connection::CreatePool(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "pool XML");
  return ConnCall(
      this, info.Env(),
      [xml](virConnectPtr conn, LambdaJob& j) {
        counted();
        virStoragePoolPtr p = virStoragePoolCreateXML(conn, xml.c_str(), 0);
        if (p == nullptr) return false;
        const char* name = virStoragePoolGetName(p);
        j.str = name != nullptr ? name : "";
        j.has_str = true;
        virStoragePoolFree(p);
        return true;
      },
      StringResult);
}

// definePool(xml) → name: a persistent pool, built (a folder that exists is fine) and started.
Napi::Value Connection::DefinePool(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "pool XML");
  return ConnCall(
      this, info.Env(),
      [xml](virConnectPtr conn, LambdaJob& j) {
        counted();
        virStoragePoolPtr p = virStoragePoolDefineXML(conn, xml.c_str(), 0);
        if (p == nullptr) return false;
        const char* name = virStoragePoolGetName(p);
        j.str = name != nullptr ? name : "";
        j.has_str = true;
        counted();
        virStoragePoolBuild(p, 0);
        virResetLastError();
        counted();
        bool ok = virStoragePoolCreate(p, 0) >= 0;
        if (!ok) j.err.capture();
        virStoragePoolFree(p);
        return ok;
      },
      StringResult);
}

}  // namespace vw
