#!/usr/bin/python3
"""Drive the oVirt engine simulator with GNOME's libgovirt and print what it saw, as JSON.

libgovirt (GoVirt 1.0, Debian's 0.3.9) is an oVirt client we did not write: if it can log in,
list, search, start and stop VMs and read hosts, data centers and storage domains from the
simulator, the simulator serves what a real engine serves (docs/ovirt-sim.md).

Run with the system interpreter (the pyenv python3 cannot import gi):

    /usr/bin/python3 packages/ovirt-sim/test/govirt_check.py --address 127.0.0.1:PORT \
        --ca-file /tmp/.../ca.pem --user admin@internal --password secret \
        --start-vm finance-app --stop-vm finance-web --running-vm finance-db

Every step is recorded; the script exits 0 when all steps pass and 1 otherwise. Nothing is
retried: a step that fails says why in its "error".
"""

import argparse
import json
import sys
import time

import gi

gi.require_version('GoVirt', '1.0')
from gi.repository import GLib, GoVirt  # noqa: E402


def nick(enum_value):
    """GoVirt enum value → its nick (`up`, `powering_up`, …)."""
    return enum_value.value_nick


class Checker:
    def __init__(self, args):
        self.args = args
        self.steps = []
        self.failed = False

    def step(self, name, fn):
        started = time.monotonic()
        entry = {'step': name}
        try:
            entry['result'] = fn()
            entry['ok'] = True
        except GLib.Error as err:
            entry['ok'] = False
            entry['error'] = {'domain': err.domain, 'code': err.code, 'message': err.message}
            self.failed = True
        except Exception as err:  # noqa: BLE001 - report any failure as data
            entry['ok'] = False
            entry['error'] = {'message': f'{type(err).__name__}: {err}'}
            self.failed = True
        entry['ms'] = round((time.monotonic() - started) * 1000)
        self.steps.append(entry)
        return entry.get('result')


def make_proxy(args):
    """A proxy with Basic credentials: librest answers the engine's 401 challenge with them."""
    proxy = GoVirt.Proxy.new(args.address)
    if args.ca_file:
        proxy.set_property('ssl-ca-file', args.ca_file)
    proxy.set_property('username', args.user)
    proxy.set_property('password', args.password)
    return proxy


def vm_summary(vm):
    display = vm.get_property('display')
    return {
        'name': vm.get_property('name'),
        'id': vm.get_property('guid'),
        'state': nick(vm.get_property('state')),
        'host_id': vm.get_property('host-id'),
        'cluster_id': vm.get_property('cluster-id'),
        'display': None if display is None else nick(display.get_property('type')),
    }


def wait_for_state(vm, proxy, wanted, timeout):
    """Refresh the VM until its state is `wanted`; returns the states seen on the way."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        vm.refresh(proxy)
        state = nick(vm.get_property('state'))
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == wanted:
            return seen
        if time.monotonic() > deadline:
            raise TimeoutError(f'{vm.get_property("name")} still {state} after {timeout}s (seen {seen})')
        time.sleep(0.05)


def collection_names(collection, proxy):
    collection.fetch(proxy)
    return sorted(collection.get_resources().keys())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--address', required=True, help='HOST:PORT of the simulator')
    parser.add_argument('--ca-file', help="the simulator's CA (PEM); omit with GOVIRT_DISABLE_HTTPS=1")
    parser.add_argument('--user', default='admin@internal')
    parser.add_argument('--password', required=True)
    parser.add_argument('--start-vm', required=True, help='a down VM to start')
    parser.add_argument('--stop-vm', required=True, help='an up VM to stop')
    parser.add_argument('--running-vm', required=True, help='an up VM: starting it must fail')
    parser.add_argument('--timeout', type=float, default=20.0)
    args = parser.parse_args()

    check = Checker(args)
    proxy = make_proxy(args)
    api = check.step('fetch_api', lambda: proxy.fetch_api() and 'ok')
    if api is None:
        print(json.dumps({'ok': False, 'steps': check.steps}, indent=2))
        return 1
    api = proxy.get_api()
    vms = {}

    def list_vms():
        collection = api.get_vms()
        collection.fetch(proxy)
        vms.update(collection.get_resources())
        return {name: vm_summary(vm) for name, vm in sorted(vms.items())}

    check.step('list_vms', list_vms)

    def search(query):
        collection = api.search_vms(query)
        collection.fetch(proxy)
        return sorted(collection.get_resources().keys())

    check.step('search_exact', lambda: search(f'name={args.start_vm}'))
    check.step('search_wildcard', lambda: search('name=' + args.start_vm[:3] + '*'))
    check.step('search_status_up', lambda: search('status=up'))

    def start():
        vm = vms[args.start_vm]
        vm.start(proxy)
        return wait_for_state(vm, proxy, 'up', args.timeout)

    check.step('start_vm', start)

    def stop():
        vm = vms[args.stop_vm]
        vm.stop(proxy)
        return wait_for_state(vm, proxy, 'down', args.timeout)

    check.step('stop_vm', stop)

    def start_running():
        vm = vms[args.running_vm]
        try:
            vm.start(proxy)
        except GLib.Error as err:
            return {'domain': err.domain, 'code': err.code, 'message': err.message}
        raise AssertionError('starting a running VM succeeded')

    check.step('fault_start_running_vm', start_running)
    check.step('list_hosts', lambda: collection_names(api.get_hosts(), proxy))
    check.step('list_clusters', lambda: collection_names(api.get_clusters(), proxy))
    check.step('list_data_centers', lambda: collection_names(api.get_data_centers(), proxy))

    def storage_domains():
        collection = api.get_storage_domains()
        collection.fetch(proxy)
        return {
            name: {
                'type': nick(sd.get_property('type')),
                'state': nick(sd.get_property('state')),
                'master': sd.get_property('master'),
            }
            for name, sd in sorted(collection.get_resources().items())
        }

    check.step('list_storage_domains', storage_domains)
    result = {'ok': not check.failed, 'steps': check.steps}
    print(json.dumps(result, indent=2))
    return 0 if result['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
