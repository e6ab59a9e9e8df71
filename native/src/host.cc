// The host behind a connection: name, versions, capabilities, node info, node devices.
#include <cstdlib>

#include "connection.h"

namespace vw {

Napi::Value Connection::Hostname(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(),
      [](virConnectPtr conn, LambdaJob& j) {
        counted();
        return TakeString(j, virConnectGetHostname(conn));
      },
      StringResult);
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
      NumberResult);
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
      NumberResult);
}

Napi::Value Connection::Capabilities(const Napi::CallbackInfo& info) {
  return ConnCall(
      this, info.Env(),
      [](virConnectPtr conn, LambdaJob& j) {
        counted();
        return TakeString(j, virConnectGetCapabilities(conn));
      },
      StringResult);
}

Napi::Value Connection::NodeInfo(const Napi::CallbackInfo& info) {
  auto ni = std::make_shared<virNodeInfo>();
  return ConnCall(
      this, info.Env(),
      [ni](virConnectPtr conn, LambdaJob&) {
        counted();
        return virNodeGetInfo(conn, ni.get()) >= 0;
      },
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

// listNodeDevices(flags) → names (VIR_CONNECT_LIST_NODE_DEVICES_*; 0 = all).
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
      StringResult);
}

}  // namespace vw
