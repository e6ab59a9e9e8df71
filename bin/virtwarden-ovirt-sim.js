#!/usr/bin/env node
// The engine simulator lives in its own workspace package (packages/ovirt-sim); this forwarder
// keeps `bin/virtwarden-ovirt-sim.js` working from the repository root, as the docs and
// examples/ovirt-site use it. A relative path, not the package name: it works even before
// `npm ci` has linked the workspace into node_modules.
import '../packages/ovirt-sim/bin/virtwarden-ovirt-sim.js';
