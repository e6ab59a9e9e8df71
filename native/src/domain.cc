// Per-domain calls: definition, power, state, devices. Each looks the domain up by name or
// UUID on the worker thread and frees it afterwards.
#include <cstdlib>

#include <libvirt/libvirt-qemu.h>

#include "connection.h"

namespace vw {

namespace {

// The name of a domain libvirt just returned (define/create), freeing it.
bool TakeName(LambdaJob& j, virDomainPtr d) {
  if (d == nullptr) return false;
  const char* name = virDomainGetName(d);
  j.str = name != nullptr ? name : "";
  j.has_str = true;
  virDomainFree(d);
  return true;
}

}  // namespace

// domainXml(ref, flags): inactive, secure, migratable (flags 0 = the live definition).
Napi::Value Connection::DomainXml(const Napi::CallbackInfo& info) {
  unsigned int flags = FlagsArg(info, 1);
  return DomainCall(
      this, info,
      [flags](virDomainPtr d, LambdaJob& j) {
        counted();
        return TakeString(j, virDomainGetXMLDesc(d, flags));
      },
      StringResult);
}

// defineXml(xml, flags) → the domain's name. Flags: validate.
Napi::Value Connection::DefineXml(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "domain XML");
  unsigned int flags = FlagsArg(info, 1);
  return ConnCall(
      this, info.Env(),
      [xml, flags](virConnectPtr conn, LambdaJob& j) {
        counted();
        return TakeName(j, virDomainDefineXMLFlags(conn, xml.c_str(), flags));
      },
      StringResult);
}

// createXml(xml, flags) → the name of the started transient domain. Flags: paused, autodestroy…
Napi::Value Connection::CreateXml(const Napi::CallbackInfo& info) {
  std::string xml = StringArg(info, 0, "domain XML");
  unsigned int flags = FlagsArg(info, 1);
  return ConnCall(
      this, info.Env(),
      [xml, flags](virConnectPtr conn, LambdaJob& j) {
        counted();
        return TakeName(j, virDomainCreateXML(conn, xml.c_str(), flags));
      },
      StringResult);
}

// method(ref, flags): one libvirt call that succeeds (>= 0) or fails.
#define SIMPLE_DOMAIN_CALL(Method, call)                               \
  Napi::Value Connection::Method(const Napi::CallbackInfo& info) {    \
    unsigned int flags = FlagsArg(info, 1);                            \
    return DomainCall(this, info, [flags](virDomainPtr d, LambdaJob&) { \
      (void)flags;                                                     \
      counted();                                                       \
      return (call) >= 0;                                              \
    });                                                                \
  }

SIMPLE_DOMAIN_CALL(Undefine, virDomainUndefineFlags(d, flags))
SIMPLE_DOMAIN_CALL(Start, virDomainCreateWithFlags(d, flags))
SIMPLE_DOMAIN_CALL(Shutdown, virDomainShutdownFlags(d, flags))
SIMPLE_DOMAIN_CALL(Reboot, virDomainReboot(d, flags))
SIMPLE_DOMAIN_CALL(Reset, virDomainReset(d, flags))
SIMPLE_DOMAIN_CALL(Destroy, virDomainDestroyFlags(d, flags))
SIMPLE_DOMAIN_CALL(Suspend, virDomainSuspend(d))
SIMPLE_DOMAIN_CALL(Resume, virDomainResume(d))
SIMPLE_DOMAIN_CALL(ManagedSave, virDomainManagedSave(d, flags))
SIMPLE_DOMAIN_CALL(ManagedSaveRemove, virDomainManagedSaveRemove(d, flags))
SIMPLE_DOMAIN_CALL(AbortJob, virDomainAbortJob(d))

Napi::Value Connection::SetAutostart(const Napi::CallbackInfo& info) {
  int on = info.Length() > 1 && info[1].ToBoolean().Value() ? 1 : 0;
  return DomainCall(this, info, [on](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainSetAutostart(d, on) >= 0;
  });
}

// getState(ref) → {state, reason} (virDomainState and its per-state reason enum).
Napi::Value Connection::GetState(const Napi::CallbackInfo& info) {
  auto st = std::make_shared<std::pair<int, int>>(0, 0);
  return DomainCall(
      this, info,
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

// method(ref, deviceXml, flags): flags live, config, current, force (update only).
#define DEVICE_CALL(Method, fn)                                                        \
  Napi::Value Connection::Method(const Napi::CallbackInfo& info) {                    \
    std::string xml = StringArg(info, 1, "device XML");                                \
    unsigned int flags = FlagsArg(info, 2);                                            \
    return DomainCall(this, info, [xml, flags](virDomainPtr d, LambdaJob&) {           \
      counted();                                                                       \
      return fn(d, xml.c_str(), flags) >= 0;                                           \
    });                                                                                \
  }

DEVICE_CALL(AttachDevice, virDomainAttachDeviceFlags)
DEVICE_CALL(DetachDevice, virDomainDetachDeviceFlags)
DEVICE_CALL(UpdateDevice, virDomainUpdateDeviceFlags)

// blockResize(ref, disk, size, flags): grows a disk of a running domain (flag bytes: size in bytes).
Napi::Value Connection::BlockResize(const Napi::CallbackInfo& info) {
  std::string disk = StringArg(info, 1, "disk");
  auto size = static_cast<unsigned long long>(NumberArg(info, 2, "size"));
  unsigned int flags = FlagsArg(info, 3);
  return DomainCall(this, info, [disk, size, flags](virDomainPtr d, LambdaJob&) {
    counted();
    return virDomainBlockResize(d, disk.c_str(), size, flags) >= 0;
  });
}

// agentCommand(ref, json, timeoutSeconds) → the guest agent's JSON reply. A timeout of -2 is
// libvirt's default (blocking), -1 … the agent's, 0 returns at once; health probes pass their
// own bound so a hung agent never holds a worker past it.
Napi::Value Connection::AgentCommand(const Napi::CallbackInfo& info) {
  std::string cmd = StringArg(info, 1, "agent command");
  int timeout = static_cast<int>(NumberArg(info, 2, "timeout"));
  return DomainCall(
      this, info,
      [cmd, timeout](virDomainPtr d, LambdaJob& j) {
        counted();
        return TakeString(j, virDomainQemuAgentCommand(d, cmd.c_str(), timeout, 0));
      },
      StringResult);
}

}  // namespace vw
