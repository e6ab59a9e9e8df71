#include "quiet.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

// libxml2 is libvirt's own dependency, loaded with it; declared weak so that the addon needs
// neither libxml2's headers nor a link against it (a null address would just skip the call).
extern "C" {
typedef void (*vw_xml_generic_error)(void* ctx, const char* msg, ...);
void xmlSetGenericErrorFunc(void* ctx, vw_xml_generic_error handler) __attribute__((weak));
}

namespace vw {

namespace {

void NoLibvirtError(void*, virErrorPtr) {}
void NoXmlError(void*, const char*, ...) {}

}  // namespace

void SilenceLibvirt() { virSetErrorFunc(nullptr, NoLibvirtError); }

void SilenceThread() {
  if (xmlSetGenericErrorFunc != nullptr) xmlSetGenericErrorFunc(nullptr, NoXmlError);
}

}  // namespace vw
