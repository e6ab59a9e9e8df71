// Storage helpers shared by pools.cc and volumes.cc.
#pragma once
#include "connection.h"

namespace vw {

// Runs fn(pool) on a worker with the pool (argument 0, by name) looked up and freed afterwards.
Napi::Value PoolCall(Connection* c, const Napi::CallbackInfo& info,
                     std::function<bool(virStoragePoolPtr, LambdaJob&)> fn,
                     std::function<Napi::Value(Napi::Env, LambdaJob&)> result = nullptr);

}  // namespace vw
