// Keeps libvirt and libxml2 from printing to stderr: errors reach JS as rejections instead.
#pragma once

namespace vw {

// Once per process: libvirt's error handler (process-wide) becomes a no-op.
void SilenceLibvirt();
// On every thread that calls libvirt: libxml2's generic error handler is per thread, and the
// in-process test driver parses XML files there (a missing node XML prints an "I/O warning").
void SilenceThread();

}  // namespace vw
