#include "convert.h"

namespace vw {

std::vector<TypedValue> CopyTyped(virTypedParameterPtr params, int n) {
  std::vector<TypedValue> out;
  for (int i = 0; i < n; i++) {
    TypedValue v;
    v.field = params[i].field;
    v.type = params[i].type;
    switch (params[i].type) {
      case VIR_TYPED_PARAM_INT: v.number = params[i].value.i; break;
      case VIR_TYPED_PARAM_UINT: v.number = params[i].value.ui; break;
      case VIR_TYPED_PARAM_LLONG: v.number = static_cast<double>(params[i].value.l); break;
      case VIR_TYPED_PARAM_ULLONG: v.number = static_cast<double>(params[i].value.ul); break;
      case VIR_TYPED_PARAM_DOUBLE: v.number = params[i].value.d; break;
      case VIR_TYPED_PARAM_BOOLEAN: v.number = params[i].value.b ? 1 : 0; break;
      case VIR_TYPED_PARAM_STRING: v.text = params[i].value.s != nullptr ? params[i].value.s : ""; break;
      default: break;
    }
    out.push_back(v);
  }
  return out;
}

Napi::Object TypedToObject(Napi::Env env, const std::vector<TypedValue>& values) {
  Napi::Object o = Napi::Object::New(env);
  for (const TypedValue& v : values) {
    if (v.type == VIR_TYPED_PARAM_STRING) o.Set(v.field, v.text);
    else if (v.type == VIR_TYPED_PARAM_BOOLEAN) o.Set(v.field, v.number != 0);
    else o.Set(v.field, v.number);
  }
  return o;
}

}  // namespace vw
