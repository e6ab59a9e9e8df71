// Events: libvirt calls these on the addon's event-loop thread (addon.cc); each is copied and
// handed to JS through the connection's thread-safe function. The TSFN is unref'd: events
// alone never keep a Node process alive.
#include <atomic>

#include "connection.h"
#include "convert.h"

namespace vw {

namespace {

struct Event {
  std::string type, domain, uuid, a, b, reason;
  int event = 0, detail = 0, action = 0;
  std::vector<TypedValue> params;
};

struct Sink {
  Napi::ThreadSafeFunction tsfn;
  std::atomic<int> refs{0};
};

void Deliver(Sink* sink, Event* ev) {
  napi_status s = sink->tsfn.NonBlockingCall(ev, [](Napi::Env env, Napi::Function js, Event* e) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", e->type);
    if (!e->domain.empty()) o.Set("domain", e->domain);
    if (!e->uuid.empty()) o.Set("uuid", e->uuid);
    if (e->type == "lifecycle") {
      o.Set("event", e->event);
      o.Set("detail", e->detail);
    } else if (e->type == "device-added" || e->type == "device-removed") {
      o.Set("device", e->a);
    } else if (e->type == "io-error") {
      o.Set("srcPath", e->a);
      o.Set("device", e->b);
      o.Set("action", e->action);
      o.Set("reason", e->reason);
    } else if (e->type == "watchdog") {
      o.Set("action", e->action);
    } else if (e->type == "job-completed") {
      o.Set("stats", TypedToObject(env, e->params));
    } else if (e->type == "close") {
      o.Set("reason", e->event);
    }
    delete e;
    js.Call({o});
  });
  if (s != napi_ok) delete ev;
}

Event* NewDomainEvent(const char* type, virDomainPtr dom) {
  auto* e = new Event();
  e->type = type;
  const char* name = virDomainGetName(dom);
  if (name != nullptr) e->domain = name;
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (virDomainGetUUIDString(dom, uuid) == 0) e->uuid = uuid;
  return e;
}

void Release(void* opaque) {
  auto* sink = static_cast<Sink*>(opaque);
  if (--sink->refs == 0) {
    sink->tsfn.Release();
    delete sink;
  }
}

int OnLifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
  Event* e = NewDomainEvent("lifecycle", dom);
  e->event = event;
  e->detail = detail;
  Deliver(static_cast<Sink*>(opaque), e);
  return 0;
}

void OnReboot(virConnectPtr, virDomainPtr dom, void* opaque) {
  Deliver(static_cast<Sink*>(opaque), NewDomainEvent("reboot", dom));
}

void OnDeviceAdded(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
  Event* e = NewDomainEvent("device-added", dom);
  e->a = alias != nullptr ? alias : "";
  Deliver(static_cast<Sink*>(opaque), e);
}

void OnDeviceRemoved(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
  Event* e = NewDomainEvent("device-removed", dom);
  e->a = alias != nullptr ? alias : "";
  Deliver(static_cast<Sink*>(opaque), e);
}

void OnIoError(virConnectPtr, virDomainPtr dom, const char* src, const char* alias, int action,
               const char* reason, void* opaque) {
  Event* e = NewDomainEvent("io-error", dom);
  e->a = src != nullptr ? src : "";
  e->b = alias != nullptr ? alias : "";
  e->action = action;
  e->reason = reason != nullptr ? reason : "";
  Deliver(static_cast<Sink*>(opaque), e);
}

// The guest's watchdog expired (QEMU already did the device's action, `none` included).
void OnWatchdog(virConnectPtr, virDomainPtr dom, int action, void* opaque) {
  Event* e = NewDomainEvent("watchdog", dom);
  e->action = action;
  Deliver(static_cast<Sink*>(opaque), e);
}

void OnJobCompleted(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int n, void* opaque) {
  Event* e = NewDomainEvent("job-completed", dom);
  e->params = CopyTyped(params, n);
  Deliver(static_cast<Sink*>(opaque), e);
}

void OnClose(virConnectPtr, int reason, void* opaque) {
  auto* e = new Event();
  e->type = "close";
  e->event = reason;
  Deliver(static_cast<Sink*>(opaque), e);
}

}  // namespace

void UnregisterCloseCallback(virConnectPtr conn) {
  counted();
  virConnectUnregisterCloseCallback(conn, OnClose);
}

// subscribe(listener): every event of this connection, until close().
Napi::Value Connection::Subscribe(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "listener must be a function");
  }
  {
    std::lock_guard<std::mutex> lock(st_->mu);
    if (st_->conn == nullptr) return ClosedRejection(info.Env());
    if (!st_->callback_ids.empty() || st_->close_cb) throw Napi::Error::New(info.Env(), "already subscribed");
  }
  auto* sink = new Sink();
  sink->tsfn = Napi::ThreadSafeFunction::New(info.Env(), info[0].As<Napi::Function>(),
                                             "virtwarden-libvirt-events", 0, 1);
  sink->tsfn.Unref(info.Env());
  sink->refs = 1;  // held by this call until registration is done
  auto st = st_;
  return ConnCall(this, info.Env(), [st, sink](virConnectPtr conn, LambdaJob& j) {
    struct Reg {
      int id;
      virConnectDomainEventGenericCallback cb;
    };
    const Reg regs[] = {
        {VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(OnLifecycle)},
        {VIR_DOMAIN_EVENT_ID_REBOOT, VIR_DOMAIN_EVENT_CALLBACK(OnReboot)},
        {VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(OnDeviceAdded)},
        {VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(OnDeviceRemoved)},
        {VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, VIR_DOMAIN_EVENT_CALLBACK(OnIoError)},
        {VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK(OnJobCompleted)},
        {VIR_DOMAIN_EVENT_ID_WATCHDOG, VIR_DOMAIN_EVENT_CALLBACK(OnWatchdog)},
    };
    bool ok = true;
    std::vector<int> ids;
    for (const Reg& r : regs) {
      sink->refs++;
      counted();
      int id = virConnectDomainEventRegisterAny(conn, nullptr, r.id, r.cb, sink, Release);
      if (id < 0) {
        sink->refs--;
        // Drivers without a given event (the test driver has no job events) are fine.
        virErrorPtr e = virGetLastError();
        if (e != nullptr && (e->code == VIR_ERR_NO_SUPPORT || e->code == VIR_ERR_ARGUMENT_UNSUPPORTED)) {
          virResetLastError();
          continue;
        }
        j.err.capture();  // before the deregistrations below reset it
        ok = false;
        break;
      }
      ids.push_back(id);
    }
    if (!ok) {
      // All or nothing: a later subscribe() may try again.
      for (int id : ids) virConnectDomainEventDeregisterAny(conn, id);
      ids.clear();
    }
    bool close_cb = false;
    if (ok) {
      sink->refs++;
      counted();
      if (virConnectRegisterCloseCallback(conn, OnClose, sink, Release) < 0) {
        sink->refs--;
        virResetLastError();  // e.g. the in-process test driver: no connection to lose
      } else {
        close_cb = true;
      }
    }
    {
      std::lock_guard<std::mutex> lock(st->mu);
      st->callback_ids = ids;
      st->close_cb = close_cb;
    }
    Release(sink);  // this call's reference
    return ok;
  });
}

}  // namespace vw
