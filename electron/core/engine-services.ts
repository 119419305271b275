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

/**
 * What the host asks the person at the machine (Electron: a native dialog
 * in the main process; the test bridge: a chooser the spec scripts). The
 * renderer can only ask for a choice, never name a path itself.
 */
export interface HostChooser {
  /** An evidence bundle: a folder, or its .tar archive. Null when the person cancels. */
  chooseBundle(kind: 'folder' | 'archive'): Promise<string | null>;
  /** A folder to write a report into. Null when the person cancels. */
  chooseReportFolder(): Promise<string | null>;
}

export interface EngineConfig {
  /** Keyrite's own folder for state (rehearsal token, transcripts). */
  dataDir: string;
  /** A PKCS#11 library to use; without one, the rehearsal SoftHSM token. */
  pkcs11Module?: string | undefined;
  host: AppDescription['host'];
  version: string;
  /** The built-in ceremony scripts (assets/ceremonies/ next to the sources; the resources folder of a packaged app). */
  ceremoniesFolder?: string | undefined;
  /** How the host lets a person choose files; absent where nobody can (the CLI). */
  chooser?: HostChooser | undefined;
}

export interface EngineServices {
  readonly config: EngineConfig;
  readonly audit: AuditLog;
  emit(event: KeyriteEvent): void;
  /** The PKCS#11 module, loaded on first call. */
  hsm(): HsmModule;
  /** Finalises the loaded module, if any (the next `hsm()` loads it again): a ceremony's rehearsal tokens need their own C_Initialize in this process. */
  releaseHsm?(): Promise<void>;
  /** True when the rehearsal SoftHSM token stands in for an HSM. */
  readonly rehearsal: boolean;
  /** Registers something to release when the engine closes (watchers, sessions). */
  onClose(release: () => Promise<void> | void): void;
}

/** The handlers of one area of the contract: `Pick<CommandHandlers, 'devices/list' | ...>`. */
export type HandlersFor<Prefix extends string> = Pick<CommandHandlers, Extract<CommandName, `${Prefix}/${string}`>>;
