/**
 * The virtwarden test lab: several private libvirtd "hosts" on this machine, each in its own
 * mount namespace with its own sockets, state and host UUID, serving both the QEMU and the test
 * driver, plus a tiny real TCG guest whose serial log proves it kept running. See docs/lab.md.
 */
export { startLab } from './lab.js';
export { LabCommandError, LabError, LabErrorCode } from './errors.js';
export { uuidForName } from './guest-xml.js';
export type { GuestXmlOptions, Lab, LabHost, LabPortRange, StartLabOptions } from './types.js';
