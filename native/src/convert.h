// libvirt typed parameters copied off the worker thread, then turned into JS objects.
#pragma once
#include <napi.h>
#include <libvirt/libvirt.h>
#include <string>
#include <vector>

namespace vw {

struct TypedValue {
  std::string field;
  int type = 0;
  double number = 0;  // int, uint, llong, ullong, double, boolean
  std::string text;   // string
};

std::vector<TypedValue> CopyTyped(virTypedParameterPtr params, int n);
Napi::Object TypedToObject(Napi::Env env, const std::vector<TypedValue>& values);

}  // namespace vw
