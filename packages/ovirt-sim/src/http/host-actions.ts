import type { SimEngine } from '../engine/engine.js';
import { FENCE_TYPES, fenceHost } from '../engine/fencing.js';
import { activateHost, deactivateHost, forceSelectSpm } from '../engine/host-commands.js';
import { EngineFault, validationFault, type ActionWord } from '../engine/messages.js';
import type { CommandResult } from '../engine/vm-commands.js';
import { bool, type BodyNode, str } from '../repr/body.js';
import { field, group } from '../repr/node.js';
import type { ApiRequest } from './api-request.js';
import {
  actionFailedWith200,
  actionFailure,
  actionSuccess,
  type ActionTarget,
} from './action-reply.js';
import { emptyReply, faultReply, type Reply } from './reply.js';

const ACTION_WORDS: Record<string, ActionWord> = {
  activate: 'activate',
  deactivate: 'maintenance',
  fence: 'restart',
  forceselectspm: 'force select',
};

/** `POST /hosts/{id}/{action}`: activate, deactivate, fence, forceselectspm. */
export function hostAction(
  req: ApiRequest,
  engine: SimEngine,
  hostId: string,
  action: string,
  input: BodyNode,
): Reply {
  const word = ACTION_WORDS[action];
  if (word === undefined) return emptyReply(404);
  const target: ActionTarget = { item: 'host', collection: 'hosts', id: hostId };
  const host = engine.state.hosts.get(hostId);
  if (host === undefined) {
    const key = action === 'forceselectspm' ? 'VDS_NOT_EXIST' : 'VDS_INVALID_SERVER_ID';
    return actionFailure(
      req,
      input,
      validationFault(word, action === 'forceselectspm' ? 'SPM' : 'Host', { key }),
    );
  }
  try {
    let result: CommandResult;
    switch (action) {
      case 'activate':
        result = activateHost(engine.core, host, req.actor);
        break;
      case 'deactivate':
        result = deactivateHost(engine.core, host, str(input, 'reason'), req.actor);
        break;
      case 'forceselectspm':
        result = forceSelectSpm(engine.core, engine.spm, host, req.actor);
        break;
      default:
        return fence(req, engine, host.id, input);
    }
    return actionSuccess(req, input, target, result.job);
  } catch (err) {
    if (err instanceof EngineFault) return actionFailure(req, input, err);
    throw err;
  }
}

/** Fence: `fence_type` is mandatory and must name a FenceType (CompletenessAssertor, EnumValidator). */
function fence(req: ApiRequest, engine: SimEngine, hostId: string, input: BodyNode): Reply {
  const raw = str(input, 'fence_type');
  if (raw === undefined || raw === '') {
    return faultReply(
      req.json,
      400,
      'Incomplete parameters',
      'Action [fenceType] required for fence',
    );
  }
  const upper = raw.toUpperCase();
  const type = FENCE_TYPES.find((t) => t.toUpperCase() === upper);
  if (type === undefined) {
    return faultReply(
      req.json,
      400,
      'Invalid value',
      `${upper} is not a member of FenceType. Possible values for FenceType are: ${FENCE_TYPES.join(', ')}`,
    );
  }
  const host = engine.state.hosts.get(hostId);
  if (host === undefined) return emptyReply(404);
  const target: ActionTarget = { item: 'host', collection: 'hosts', id: hostId };
  try {
    const result = fenceHost(
      engine.core,
      engine.spm,
      host,
      type,
      { maintenanceAfterRestart: bool(input, 'maintenance_after_restart') === true },
      req.actor,
    );
    if (result.failureReason !== undefined)
      return actionFailedWith200(req, input, result.failureReason);
    if (result.powerStatus !== undefined) {
      return actionSuccess(req, input, undefined, undefined, {
        power_management: field('power_management', group(field('status', result.powerStatus))),
      });
    }
    return actionSuccess(req, input, target, result.job);
  } catch (err) {
    if (err instanceof EngineFault) return actionFailure(req, input, err);
    throw err;
  }
}
