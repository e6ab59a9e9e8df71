// Domains in bulk (every domain of a host in a constant number of calls) and one domain's
// summary (the same fields, by name or UUID).
#include <cstdlib>
#include <set>

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

// The UUIDs of the domains a filtered list returns (one call, whatever the number of domains).
bool UuidSet(virConnectPtr conn, unsigned int flags, std::set<std::string>& out) {
  virDomainPtr* doms = nullptr;
  counted();
  int n = virConnectListAllDomains(conn, &doms, flags);
  if (n < 0) return false;
  char uuid[VIR_UUID_STRING_BUFLEN];
  for (int i = 0; i < n; i++) {
    if (virDomainGetUUIDString(doms[i], uuid) == 0) out.insert(uuid);
    virDomainFree(doms[i]);
  }
  free(doms);
  return true;
}

// Name, UUID and id are cached in the virDomain object: no call to the daemon.
void Identify(virDomainPtr dom, DomRow& r) {
  const char* name = virDomainGetName(dom);
  r.name = name != nullptr ? name : "";
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (virDomainGetUUIDString(dom, uuid) == 0) r.uuid = uuid;
  unsigned int id = virDomainGetID(dom);
  r.id = id == static_cast<unsigned int>(-1) ? -1 : static_cast<int>(id);
}

Napi::Object RowToObject(Napi::Env env, const DomRow& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", r.name);
  o.Set("uuid", r.uuid);
  o.Set("id", r.id);
  o.Set("state", r.state);
  o.Set("reason", r.reason);
  o.Set("persistent", r.persistent);
  o.Set("autostart", r.autostart);
  o.Set("managedSave", r.managed_save);
  return o;
}

}  // namespace

// Every domain with state and reason, persistence, autostart and managed save: four calls per
// host (stats for state and reason, three filtered lists for the flags), where the per-domain
// getters would cost four calls per domain. A domain defined between the calls shows up in the
// next pass; one undefined between them is reported with the flags it has left (none).
Napi::Value Connection::ListAllDomains(const Napi::CallbackInfo& info) {
  auto rows = std::make_shared<std::vector<DomRow>>();
  return ConnCall(
      this, info.Env(),
      [rows](virConnectPtr conn, LambdaJob& j) {
        virDomainStatsRecordPtr* records = nullptr;
        counted();
        int n = virConnectGetAllDomainStats(conn, VIR_DOMAIN_STATS_STATE, &records, 0);
        if (n < 0) return false;
        std::set<std::string> persistent, autostart, saved;
        bool ok = UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_PERSISTENT, persistent) &&
                  UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, autostart) &&
                  UuidSet(conn, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE, saved);
        if (!ok) j.err.capture();  // before the free below (virDomainFree resets the error)
        for (int i = 0; ok && i < n; i++) {
          DomRow r;
          Identify(records[i]->dom, r);
          for (int k = 0; k < records[i]->nparams; k++) {
            const virTypedParameter& p = records[i]->params[k];
            std::string field = p.field;
            if (field == "state.state") r.state = p.value.i;
            if (field == "state.reason") r.reason = p.value.i;
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
        for (size_t i = 0; i < rows->size(); i++) a.Set(static_cast<uint32_t>(i), RowToObject(env, (*rows)[i]));
        return a;
      });
}

// getDomain(ref): one domain's summary through the cheap per-domain getters.
// Worker thread: the row's state, persistence, autostart and managed save of `d`.
static bool ReadRow(virDomainPtr d, DomRow& row) {
  Identify(d, row);
  counted();
  if (virDomainGetState(d, &row.state, &row.reason, 0) < 0) return false;
  counted();
  int persistent = virDomainIsPersistent(d);
  if (persistent < 0) return false;
  int autostart = 0;
  counted();
  if (virDomainGetAutostart(d, &autostart) < 0) return false;
  counted();
  int saved = virDomainHasManagedSaveImage(d, 0);
  if (saved < 0) return false;
  row.persistent = persistent == 1;
  row.autostart = autostart != 0;
  row.managed_save = saved == 1;
  return true;
}

Napi::Value Connection::GetDomain(const Napi::CallbackInfo& info) {
  auto row = std::make_shared<DomRow>();
  return DomainCall(
      this, info, [row](virDomainPtr d, LambdaJob&) { return ReadRow(d, *row); },
      [row](Napi::Env env, LambdaJob&) { return RowToObject(env, *row); });
}

// findDomain(ref): like getDomain, but a host without the domain resolves null — no error to
// build and throw away (the re-check before an action asks every host of a site).
Napi::Value Connection::FindDomain(const Napi::CallbackInfo& info) {
  DomainRef ref = DomainRefArg(info, 0);
  auto row = std::make_shared<DomRow>();
  auto found = std::make_shared<bool>(false);
  return ConnCall(
      this, info.Env(),
      [ref, row, found](virConnectPtr conn, LambdaJob& j) {
        virDomainPtr d = ref.Lookup(conn);
        if (d == nullptr) {
          virErrorPtr e = virGetLastError();
          if (e != nullptr && e->code == VIR_ERR_NO_DOMAIN) {
            virResetLastError();
            return true;
          }
          return false;
        }
        bool ok = ReadRow(d, *row);
        if (!ok) j.err.capture();  // before virDomainFree can touch the error
        virDomainFree(d);
        *found = ok;
        return ok;
      },
      [row, found](Napi::Env env, LambdaJob&) -> Napi::Value {
        return *found ? Napi::Value(RowToObject(env, *row)) : env.Null();
      });
}

// getAllDomainStats(stats, flags): libvirt's typed statistics per domain, as plain objects.
Napi::Value Connection::GetAllDomainStats(const Napi::CallbackInfo& info) {
  unsigned int stats = FlagsArg(info, 0);
  unsigned int flags = FlagsArg(info, 1);
  using Record = std::pair<DomRow, std::vector<TypedValue>>;
  auto out = std::make_shared<std::vector<Record>>();
  return ConnCall(
      this, info.Env(),
      [stats, flags, out](virConnectPtr conn, LambdaJob&) {
        virDomainStatsRecordPtr* records = nullptr;
        counted();
        int n = virConnectGetAllDomainStats(conn, stats, &records, flags);
        if (n < 0) return false;
        for (int i = 0; i < n; i++) {
          DomRow r;
          Identify(records[i]->dom, r);
          out->emplace_back(r, CopyTyped(records[i]->params, records[i]->nparams));
        }
        virDomainStatsRecordListFree(records);
        return true;
      },
      [out](Napi::Env env, LambdaJob&) {
        Napi::Array a = Napi::Array::New(env, out->size());
        for (size_t i = 0; i < out->size(); i++) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("name", (*out)[i].first.name);
          o.Set("uuid", (*out)[i].first.uuid);
          o.Set("stats", TypedToObject(env, (*out)[i].second));
          a.Set(static_cast<uint32_t>(i), o);
        }
        return a;
      });
}

}  // namespace vw
