// Storage volumes: addressed by pool and name, or found by path.
#include <cstdlib>

#include "storage.h"

namespace vw {

namespace {

struct VolRow {
  std::string pool, name, key, path;
  int type = 0;
  double capacity = 0, allocation = 0;
};

// Worker thread: name, key, path and info of a volume (path and info are daemon round trips).
bool Describe(virStorageVolPtr v, VolRow& r) {
  const char* name = virStorageVolGetName(v);
  r.name = name != nullptr ? name : "";
  const char* key = virStorageVolGetKey(v);
  r.key = key != nullptr ? key : "";
  counted();
  char* path = virStorageVolGetPath(v);
  if (path == nullptr) return false;
  r.path = path;
  free(path);
  virStorageVolInfo vi;
  counted();
  if (virStorageVolGetInfo(v, &vi) < 0) return false;
  r.type = vi.type;
  r.capacity = static_cast<double>(vi.capacity);
  r.allocation = static_cast<double>(vi.allocation);
  return true;
}

Napi::Object RowToObject(Napi::Env env, const VolRow& r) {
  Napi::Object o = Napi::Object::New(env);
  if (!r.pool.empty()) o.Set("pool", r.pool);
  o.Set("name", r.name);
  o.Set("key", r.key);
  o.Set("path", r.path);
  o.Set("type", r.type);
  o.Set("capacity", r.capacity);
  o.Set("allocation", r.allocation);
  return o;
}

// Runs fn(volume) with the pool (argument 0) and the volume (argument 1) looked up by name.
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

// listVolumes(pool) → [{name, key, path, type, capacity, allocation}].
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
          // A volume deleted mid-list is skipped, not an error of the whole list.
          if (Describe(vols[i], r)) rows->push_back(r);
          virStorageVolFree(vols[i]);
        }
        free(vols);
        virResetLastError();
        return true;
      },
      [rows](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, rows->size());
        for (size_t i = 0; i < rows->size(); i++) a.Set(static_cast<uint32_t>(i), RowToObject(env, (*rows)[i]));
        return a;
      });
}

// volumeInfo(pool, name) → {name, key, path, type, capacity, allocation}.
Napi::Value Connection::VolumeInfo(const Napi::CallbackInfo& info) {
  auto row = std::make_shared<VolRow>();
  return VolumeCall(
      this, info, [row](virStorageVolPtr v, LambdaJob&) { return Describe(v, *row); },
      [row](Napi::Env env, LambdaJob&) { return RowToObject(env, *row); });
}

// volumeByPath(path) → {pool, name, key, path, type, capacity, allocation}.
Napi::Value Connection::VolumeByPath(const Napi::CallbackInfo& info) {
  std::string path = StringArg(info, 0, "volume path");
  auto row = std::make_shared<VolRow>();
  return ConnCall(
      this, info.Env(),
      [path, row](virConnectPtr conn, LambdaJob& j) {
        counted();
        virStorageVolPtr v = virStorageVolLookupByPath(conn, path.c_str());
        if (v == nullptr) return false;
        bool ok = Describe(v, *row);
        if (ok) {
          counted();
          virStoragePoolPtr pool = virStoragePoolLookupByVolume(v);
          ok = pool != nullptr;
          if (ok) {
            const char* name = virStoragePoolGetName(pool);
            row->pool = name != nullptr ? name : "";
            virStoragePoolFree(pool);
          }
        }
        if (!ok) j.err.capture();
        virStorageVolFree(v);
        return ok;
      },
      [row](Napi::Env env, LambdaJob&) { return RowToObject(env, *row); });
}

Napi::Value Connection::VolumeXml(const Napi::CallbackInfo& info) {
  return VolumeCall(
      this, info,
      [](virStorageVolPtr v, LambdaJob& j) {
        counted();
        return TakeString(j, virStorageVolGetXMLDesc(v, 0));
      },
      StringResult);
}

// createVolume(pool, xml, flags) → the new volume's path. A <backingStore> in the XML makes a
// copy-on-write overlay of that image.
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
        bool ok = TakeString(j, virStorageVolGetPath(v));
        if (!ok) j.err.capture();
        virStorageVolFree(v);
        return ok;
      },
      StringResult);
}

Napi::Value Connection::DeleteVolume(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 2);
  return VolumeCall(this, info, [flags](virStorageVolPtr v, LambdaJob&) {
    counted();
    return virStorageVolDelete(v, flags) >= 0;
  });
}

// resizeVolume(pool, name, bytes, flags): flags allocate, delta, shrink.
Napi::Value Connection::ResizeVolume(const Napi::CallbackInfo& info) {
  auto size = static_cast<unsigned long long>(NumberArg(info, 2, "size"));
  unsigned int flags = FlagsArg(info, 3);
  return VolumeCall(this, info, [size, flags](virStorageVolPtr v, LambdaJob&) {
    counted();
    return virStorageVolResize(v, size, flags) >= 0;
  });
}

}  // namespace vw
