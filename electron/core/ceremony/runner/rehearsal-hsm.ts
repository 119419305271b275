/**
 * Rehearsal HSMs: every HSM target of the script is mapped to a fresh
 * SoftHSM2 token in the run's own folder, so a rehearsal never touches a
 * real token and never reuses one from an earlier run. The mapping (script
 * serial/label → token made here) is returned for the transcript: a
 * substituted token is never silent. A ceremony about a key an earlier
 * rehearsal made (destruction) opens a copy of that rehearsal's tokens
 * instead, recorded as such.
 *
 * SoftHSM reads SOFTHSM2_CONF in C_Initialize, so the variable is set for
 * the life of the module and restored by `close()`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
  /** Set when the token is a copy of one an earlier rehearsal left (its rehearsal-hsm folder), not made for this run. */
  copiedFrom?: string;
}

export interface RehearsalHsms {
  module: HsmModule;
  mappings: TokenMapping[];
  close(): Promise<void>;
}

const describeTarget = (target: HsmTarget): string => ('uri' in target ? target.uri : `serial ${target.token.serial}, label ${target.token.label}`);

/** The transcript's words for a mapping: fresh tokens, or copies of an earlier rehearsal's (never silent either way). */
export function tokensMappedNote(mappings: readonly TokenMapping[]): string {
  const copied = mappings.filter((m) => m.copiedFrom !== undefined);
  if (copied.length === 0) return 'Rehearsal: each HSM target of the script is a fresh SoftHSM token made for this run.';
  return `Rehearsal: ${copied.map((m) => `HSM target ${m.hsm} is a copy of token ${m.label} (serial ${m.serial}) from the earlier rehearsal's ${m.copiedFrom ?? ''}`).join('; ')}, copied into this run's folder so the earlier rehearsal's evidence is untouched; its keys are the ones that rehearsal made.`;
}

/**
 * `earlierTokens`: the rehearsal-hsm folder an earlier rehearsal left in its
 * --out folder (a destruction rehearsal acts on the key an earlier one
 * generated). Its tokens are copied into `folder` and every script HSM
 * target is the copied token made for the same target id
 * (`rehearsal-<id>-…`); none are made fresh.
 */
export async function openRehearsalHsms(folder: string, targets: readonly HsmTarget[], wrapBinding?: HsmModuleOptions['wrapBinding'], earlierTokens?: string): Promise<RehearsalHsms> {
  const library = findSoftHsm();
  if (library === null) throw new KeyriteError('HSM_NOT_CONFIGURED', 'SoftHSM2 is not installed, so there is no rehearsal HSM (Debian/Ubuntu: apt-get install softhsm2).');
  const tokens = join(folder, 'tokens');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  if (earlierTokens !== undefined) {
    if (!existsSync(join(earlierTokens, 'tokens'))) throw new KeyriteError('CEREMONY_REHEARSAL_TOKENS_MISSING', `${earlierTokens} holds no rehearsal tokens (no tokens folder): name the rehearsal-hsm folder the earlier rehearsal left in its --out folder.`);
    cpSync(join(earlierTokens, 'tokens'), tokens, { recursive: true });
  }
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
    for (const target of earlierTokens === undefined ? targets : []) {
      const label = `rehearsal-${target.id}-${randomBytes(3).toString('hex')}`.slice(0, 32);
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', REHEARSAL_SO_PIN, '--pin', REHEARSAL_USER_PIN], { env: process.env, stdio: 'ignore' });
      labels.set(target.id, label);
    }
    const module = HsmModule.load(library, { rehearsal: true, ...(wrapBinding === undefined ? {} : { wrapBinding }) });
    const mappings: TokenMapping[] = [];
    try {
      const copies = earlierTokens === undefined ? [] : await module.tokens();
      for (const target of targets) {
        if (earlierTokens !== undefined) {
          const made = copies.filter((t) => t.label.startsWith(`rehearsal-${target.id}-`));
          if (made.length !== 1) throw new KeyriteError('CEREMONY_REHEARSAL_TOKENS_MISSING', `The earlier rehearsal's tokens in ${earlierTokens} hold ${made.length} token(s) for HSM target '${target.id}'; exactly one is needed.`);
          const [token] = made as [(typeof made)[number]];
          mappings.push({ hsm: target.id, scriptToken: describeTarget(target), label: token.label, serial: token.serial, copiedFrom: earlierTokens });
          continue;
        }
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
