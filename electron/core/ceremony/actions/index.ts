/**
 * One handler per engine action (shared/ceremony/actions.ts). An action
 * without a handler here is refused by the runner before the ceremony
 * starts, so a script never half-runs into an unimplemented step.
 */
import type { ActionName } from '../../../../shared/ceremony/index.ts';
import type { ActionHandler } from '../runner/context.ts';
import { ceremonyClose } from './ceremony-close.ts';
import { custodyAudit } from './custody-audit.ts';
import { hsmExportPublicKey } from './hsm-export-public-key.ts';
import { hsmGenerateKey } from './hsm-generate-key.ts';
import { hsmLogin } from './hsm-login.ts';
import { inventoryDiff } from './inventory-diff.ts';
import { inventorySnapshot } from './inventory-snapshot.ts';
import { keyCompareCheckValues } from './key-compare-check-values.ts';
import { keyDeprecate } from './key-deprecate.ts';
import { keyDestroy } from './key-destroy.ts';
import { keyLoad } from './key-load.ts';
import { keyScheduleDestruction } from './key-schedule-destruction.ts';
import { secretGenerate } from './secret-generate.ts';
import { sharesCollect } from './shares-collect.ts';
import { sharesRevoke } from './shares-revoke.ts';
import { sharesSplit } from './shares-split.ts';
import { sharesWrite } from './shares-write.ts';
import { preflightAirGap } from './preflight-air-gap.ts';
import { preflightClock } from './preflight-clock.ts';
import { preflightCustodySerials } from './preflight-custody-serials.ts';
import { preflightInventory } from './preflight-inventory.ts';

export type HandlerTable = { [A in ActionName]?: ActionHandler<A> };

export const ACTION_HANDLERS: HandlerTable = {
  'preflight.airGap': preflightAirGap,
  'preflight.clock': preflightClock,
  'preflight.custodySerials': preflightCustodySerials,
  'preflight.inventory': preflightInventory,
  'hsm.login': hsmLogin,
  'hsm.generateKey': hsmGenerateKey,
  'hsm.exportPublicKey': hsmExportPublicKey,
  'inventory.snapshot': inventorySnapshot,
  'inventory.diff': inventoryDiff,
  'secret.generate': secretGenerate,
  'shares.split': sharesSplit,
  'shares.write': sharesWrite,
  'key.load': keyLoad,
  'key.compareCheckValues': keyCompareCheckValues,
  'shares.collect': sharesCollect,
  'shares.revoke': sharesRevoke,
  'custody.audit': custodyAudit,
  'key.deprecate': keyDeprecate,
  'key.scheduleDestruction': keyScheduleDestruction,
  'key.destroy': keyDestroy,
  'ceremony.close': ceremonyClose,
};

/** Actions the engine runs itself (enrolment is the runner's own loop). */
export const RUNNER_ACTIONS: readonly ActionName[] = ['participants.enrol'];
