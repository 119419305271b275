/**
 * What the engine's command handlers share: the configuration, the audit
 * log, the event emitter and the PKCS#11 module (loaded on first use, so the
 * first screen never waits on an HSM). Each area of the contract has its
 * own handler file under handlers/, built from these services.
 */
import type { AppDescription, CommandName, KeyriteEvent } from '../../shared/contract.ts';
import type { CommandHandlers } from '../ipc/router.ts';
import type { AuditLog } from './audit-log.ts';
import type { HsmModule } from './hsm/hsm-module.ts';

export interface EngineConfig {
  /** Keyrite's own folder for state (rehearsal token, transcripts). */
  dataDir: string;
  /** A PKCS#11 library to use; without one, the rehearsal SoftHSM token. */
  pkcs11Module?: string | undefined;
  host: AppDescription['host'];
  version: string;
}

export interface EngineServices {
  readonly config: EngineConfig;
  readonly audit: AuditLog;
  emit(event: KeyriteEvent): void;
  /** The PKCS#11 module, loaded on first call. */
  hsm(): HsmModule;
  /** True when the rehearsal SoftHSM token stands in for an HSM. */
  readonly rehearsal: boolean;
  /** Registers something to release when the engine closes (watchers, sessions). */
  onClose(release: () => Promise<void> | void): void;
}

/** The handlers of one area of the contract: `Pick<CommandHandlers, 'devices/list' | ...>`. */
export type HandlersFor<Prefix extends string> = Pick<CommandHandlers, Extract<CommandName, `${Prefix}/${string}`>>;
