import { randomBytes } from 'node:crypto';
import type { SimEngine } from '../engine/engine.js';
import {
  EngineFault,
  LOCALIZED_VM_STATUS,
  validationFault,
  type ActionWord,
} from '../engine/messages.js';
import {
  migrateVm,
  powerOffVm,
  startVm,
  suspendVm,
  type CommandResult,
} from '../engine/vm-commands.js';
import { canonicalGuid, isGuid } from '../model/ids.js';
import type { SimHost, SimVm } from '../model/types.js';
import { bool, type BodyNode, has, nodeAt, str } from '../repr/body.js';
import { field, group } from '../repr/node.js';
import { type ApiRequest, booleanParam } from './api-request.js';
import { actionAccepted, actionFailure, actionSuccess, type ActionTarget } from './action-reply.js';
import { emptyReply, faultReply, type Reply } from './reply.js';

const ACTION_WORDS: Record<string, ActionWord> = {
  start: 'run',
  stop: 'stop',
  shutdown: 'shutdown',
  suspend: 'hibernate',
  migrate: 'migrate',
  ticket: 'set',
};

/** Statuses SetVmTicket accepts (console access). */
const TICKET_OK = ['up', 'paused', 'powering_up', 'powering_down', 'reboot_in_progress'];

type Resolved = { host: SimHost | undefined; given: boolean } | { reply: Reply };

/** The migration destination: `<host id=…>` or `<host><name>…</name></host>` (AbstractBackendResource#getHostId). */
function destination(req: ApiRequest, engine: SimEngine, input: BodyNode): Resolved {
  const host = nodeAt(input, 'host');
  if (host === undefined) return { host: undefined, given: false };
  const id = str(host, 'id');
  if (id !== undefined) {
    if (!isGuid(id))
      return { reply: faultReply(req.json, 400, 'Operation failed', `Invalid UUID string: ${id}`) };
    return { host: engine.state.hosts.get(canonicalGuid(id)), given: true };
  }
  const name = str(host, 'name');
  if (name === undefined) return { host: undefined, given: false };
  const found = engine.state.hostByName(name);
  if (found === undefined)
    return { reply: faultReply(req.json, 404, 'Operation Failed', `Entity not found: ${name}`) };
  return { host: found, given: true };
}

/** Runs one VM command and turns its outcome into the engine's action response. */
async function run(
  req: ApiRequest,
  engine: SimEngine,
  vm: SimVm,
  action: string,
  input: BodyNode,
): Promise<
  { result: CommandResult; extra?: Record<string, ReturnType<typeof field>> } | { reply: Reply }
> {
  const core = engine.core;
  switch (action) {
    case 'start': {
      const inits = ['use_sysprep', 'use_cloud_init', 'use_ignition'].filter(
        (k) => bool(input, k) === true,
      );
      if (inits.length > 1) {
        throw new EngineFault(
          409,
          'Cannot use multiple initialization tags simultaneously when running VM.',
          '',
          true,
        );
      }
      return {
        result: await startVm(
          core,
          vm,
          { runOnce: has(input, 'vm'), pause: bool(input, 'pause') === true },
          req.actor,
        ),
      };
    }
    case 'stop':
    case 'shutdown':
      return { result: await powerOffVm(core, vm, action, str(input, 'reason'), req.actor) };
    case 'suspend':
      return { result: await suspendVm(core, vm, req.actor) };
    case 'migrate': {
      const dest = destination(req, engine, input);
      if ('reply' in dest) return dest;
      const params = {
        destination: dest.host,
        destinationGiven: dest.given,
        force: bool(input, 'force') === true,
      };
      return { result: await migrateVm(core, vm, params, req.actor) };
    }
    case 'ticket': {
      if (!TICKET_OK.includes(vm.status)) {
        throw validationFault('set', 'Virtual Machine Ticket', {
          key: 'ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL',
          vars: { vmStatus: LOCALIZED_VM_STATUS[vm.status] },
        });
      }
      const expiry = str(input, 'ticket.expiry') ?? '7200';
      const value = str(input, 'ticket.value') ?? randomBytes(9).toString('base64url');
      return {
        result: {},
        extra: { ticket: field('ticket', group(field('expiry', expiry), field('value', value))) },
      };
    }
    default:
      return { reply: emptyReply(404) };
  }
}

/** `POST /vms/{id}/{action}`. */
export async function vmAction(
  req: ApiRequest,
  engine: SimEngine,
  vmId: string,
  action: string,
  input: BodyNode,
): Promise<Reply> {
  const target: ActionTarget = { item: 'vm', collection: 'vms', id: vmId };
  const word = ACTION_WORDS[action];
  if (word === undefined) return emptyReply(404);
  const vm = engine.state.vms.get(vmId);
  if (vm === undefined) {
    return actionFailure(
      req,
      input,
      validationFault(word, 'VM', { key: 'ACTION_TYPE_FAILED_VM_NOT_FOUND' }),
    );
  }
  const nonBlocking =
    booleanParam(req.query, req.headers, 'async', true, false) ||
    (req.headers.expect ?? '').toLowerCase() === '202-accepted';
  const actionPath = `${req.render.base}/vms/${vmId}/${action}`;
  if (nonBlocking) {
    run(req, engine, vm, action, input).catch(() => undefined);
    return actionAccepted(req, input, actionPath, randomTaskId(), undefined);
  }
  try {
    const outcome = await run(req, engine, vm, action, input);
    if ('reply' in outcome) return outcome.reply;
    if (action === 'suspend') {
      // HibernateVm creates storage tasks: 202 unless the client asked to block (<async>false</async>).
      if (bool(input, 'async') !== false)
        return actionAccepted(req, input, actionPath, randomTaskId(), outcome.result.job);
      await new Promise((resolve) => setTimeout(resolve, engine.core.timeline.stepMs));
    }
    return actionSuccess(req, input, target, outcome.result.job, outcome.extra);
  } catch (err) {
    if (err instanceof EngineFault) return actionFailure(req, input, err);
    throw err;
  }
}

function randomTaskId(): string {
  return canonicalGuid(
    [8, 4, 4, 4, 12]
      .map((n) =>
        randomBytes(Math.ceil(n / 2))
          .toString('hex')
          .slice(0, n),
      )
      .join('-'),
  );
}
