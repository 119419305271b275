/**
 * The engine: everything Keyrite does, in plain Node, with no `electron`
 * import. The Electron main process, the CLI and the end-to-end test bridge
 * all host this same object and reach it only through the contract.
 */
import { EventEmitter } from 'node:events';
import type { KeyriteEvent } from '../../shared/contract.ts';
import type { CommandHandlers } from '../ipc/router.ts';
import { HsmModule } from './hsm/hsm-module.ts';
import { openRehearsalToken } from './hsm/rehearsal-token.ts';
import { AuditLog } from './audit-log.ts';
import type { EngineConfig, EngineServices } from './engine-services.ts';
import { auditorHandlers } from './handlers/auditor.ts';
import { ceremonyHandlers } from './handlers/ceremony.ts';
import { devicesHandlers } from './handlers/devices.ts';

export type { EngineConfig } from './engine-services.ts';

export interface Engine {
  readonly handlers: CommandHandlers;
  /** Every event for the renderer; nothing secret is ever emitted. */
  onEvent(listener: (event: KeyriteEvent) => void): () => void;
  emit(event: KeyriteEvent): void;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

export function createEngine(config: EngineConfig): Engine {
  const emitter = new EventEmitter();
  const emit = (event: KeyriteEvent): void => {
    emitter.emit('event', event);
  };
  const audit = new AuditLog((event) => emit({ name: 'audit/recorded', payload: event }));

  let module: HsmModule | null = null;
  const hsm = (): HsmModule => {
    if (module === null) {
      module = config.pkcs11Module === undefined ? openRehearsalToken(config.dataDir) : HsmModule.load(config.pkcs11Module, { rehearsal: false });
      audit.record('hsm.module-loaded', `PKCS#11 module loaded: ${module.path}${module.rehearsal ? ' (REHEARSAL)' : ''}`);
    }
    return module;
  };
  /** A token counts as logged in while one of our sessions on it is. */
  const loggedIn = (loaded: HsmModule, serial: string): boolean =>
    loaded.openSessions.some((session) => !session.closed && session.loggedInAs !== null && session.token.serial === serial);
  const rehearsal = config.pkcs11Module === undefined;
  const releases: (() => Promise<void> | void)[] = [];
  const releaseHsm = async (): Promise<void> => {
    const loaded = module;
    module = null;
    await loaded?.close();
  };
  const services: EngineServices = { config, audit, emit, hsm, releaseHsm, rehearsal, onClose: (release) => releases.push(release) };

  const handlers: CommandHandlers = {
    'app/describe': () => ({ name: 'Keyrite', version: config.version, host: config.host, rehearsal }),
    'hsm/listTokens': async () => {
      const loaded = hsm();
      const tokens = await loaded.tokens();
      return {
        module: await loaded.info(),
        tokens: tokens.map((t) => ({
          slotId: t.slotId,
          slotDescription: t.slotDescription,
          label: t.label,
          manufacturer: t.manufacturer,
          model: t.model,
          serial: t.serial,
          hardwareVersion: t.hardwareVersion,
          firmwareVersion: t.firmwareVersion,
          initialized: t.flags.tokenInitialized,
          userPinInitialized: t.flags.userPinInitialized,
          loggedIn: loggedIn(loaded, t.serial),
          writeProtected: t.flags.writeProtected,
          hasRng: t.flags.rng,
        })),
      };
    },
    ...devicesHandlers(services),
    ...auditorHandlers(services),
    ...ceremonyHandlers(services),
  };

  return {
    handlers,
    audit,
    emit,
    onEvent(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async close() {
      const closing = module;
      module = null;
      emitter.removeAllListeners();
      // Newest first: a ceremony closes its sessions before the module goes.
      for (const release of releases.splice(0).reverse()) await Promise.resolve(release()).catch(() => {});
      await closing?.close();
    },
  };
}
