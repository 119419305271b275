/**
 * The seven built-in ceremonies (assets/ceremonies/), in the order the
 * issue lists them. The folder is found next to the sources; a packaged
 * build passes its own resources folder.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ParsedScript } from '../../../shared/ceremony/parse-script.ts';
import { loadScriptFile } from './read-script.ts';

export const BUILT_IN_CEREMONIES = [
  { file: '01-root-key-generation.yaml', purpose: 'root key generation inside the HSM' },
  { file: '02-master-key-split-and-load.yaml', purpose: 'master key generation, M-of-N split, load into HSMs with check values compared' },
  { file: '03-recovery.yaml', purpose: 'recovery: M custodians present shares, the key is rebuilt, authenticated and loaded' },
  { file: '04-reshare.yaml', purpose: 'reshare to new custodians and threshold, old set revoked' },
  { file: '05-key-destruction.yaml', purpose: 'key destruction with a waiting period (deprecate, grace, scheduled, destroyed)' },
  { file: '06-custody-audit.yaml', purpose: 'custody audit: custodians prove they hold their shares, nothing rebuilt' },
  { file: '07-hsm-inventory-and-policy.yaml', purpose: 'HSM inventory and policy check' },
] as const;

export const defaultCeremoniesFolder = (): string => fileURLToPath(new URL('../../../assets/ceremonies/', import.meta.url));

/** Loads and validates every built-in script; throws on the first invalid one. */
export async function loadBuiltInScripts(folder = defaultCeremoniesFolder()): Promise<ParsedScript[]> {
  const out: ParsedScript[] = [];
  for (const { file } of BUILT_IN_CEREMONIES) out.push(await loadScriptFile(join(folder, file)));
  return out;
}
