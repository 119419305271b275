/**
 * Rehearsal HSMs: every HSM target of the script is mapped to a fresh
 * SoftHSM2 token in the run's own folder, so a rehearsal never touches a
 * real token and never reuses one from an earlier run. The mapping (script
 * serial/label → token made here) is returned for the transcript: a
 * substituted token is never silent.
 *
 * SoftHSM reads SOFTHSM2_CONF in C_Initialize, so the variable is set for
 * the life of the module and restored by `close()`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HsmTarget } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { HsmModule, type HsmModuleOptions } from '../../hsm/index.ts';
import { findSoftHsm, REHEARSAL_SO_PIN, REHEARSAL_USER_PIN } from '../../hsm/rehearsal-token.ts';

export interface TokenMapping {
  hsm: string;
  /** What the script names (placeholder serial, label or URI). */
  scriptToken: string;
  /** The SoftHSM token made for this run. */
  label: string;
  serial: string;
}

export interface RehearsalHsms {
  module: HsmModule;
  mappings: TokenMapping[];
  close(): Promise<void>;
}

const describeTarget = (target: HsmTarget): string => ('uri' in target ? target.uri : `serial ${target.token.serial}, label ${target.token.label}`);

export async function openRehearsalHsms(folder: string, targets: readonly HsmTarget[], wrapBinding?: HsmModuleOptions['wrapBinding']): Promise<RehearsalHsms> {
  const library = findSoftHsm();
  if (library === null) throw new KeyriteError('HSM_NOT_CONFIGURED', 'SoftHSM2 is not installed, so there is no rehearsal HSM (Debian/Ubuntu: apt-get install softhsm2).');
  const tokens = join(folder, 'tokens');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  const conf = join(folder, 'softhsm2.conf');
  writeFileSync(conf, `# Keyrite rehearsal tokens (not a real HSM)\ndirectories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`, { mode: 0o600 });
  const previous = process.env['SOFTHSM2_CONF'];
  process.env['SOFTHSM2_CONF'] = conf;
  const restore = () => {
    if (previous === undefined) delete process.env['SOFTHSM2_CONF'];
    else process.env['SOFTHSM2_CONF'] = previous;
  };
  const labels = new Map<string, string>();
  try {
    for (const target of targets) {
      const label = `rehearsal-${target.id}-${randomBytes(3).toString('hex')}`.slice(0, 32);
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', REHEARSAL_SO_PIN, '--pin', REHEARSAL_USER_PIN], { env: process.env, stdio: 'ignore' });
      labels.set(target.id, label);
    }
    const module = HsmModule.load(library, { rehearsal: true, ...(wrapBinding === undefined ? {} : { wrapBinding }) });
    const mappings: TokenMapping[] = [];
    try {
      for (const target of targets) {
        const label = labels.get(target.id) as string;
        const token = await module.findToken({ label });
        mappings.push({ hsm: target.id, scriptToken: describeTarget(target), label, serial: token.serial });
      }
    } catch (error) {
      await module.close();
      throw error;
    }
    return {
      module,
      mappings,
      close: async () => {
        try {
          await module.close();
        } finally {
          restore();
        }
      },
    };
  } catch (error) {
    restore();
    throw error;
  }
}
