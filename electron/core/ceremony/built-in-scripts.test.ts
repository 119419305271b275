import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ParsedScript } from '../../../shared/ceremony/parse-script.ts';
import type { Step } from '../../../shared/ceremony/script-schema.ts';
import { BUILT_IN_CEREMONIES, defaultCeremoniesFolder, loadBuiltInScripts } from './built-in-scripts.ts';

const scripts = await loadBuiltInScripts();
const byFile = new Map<string, ParsedScript>(BUILT_IN_CEREMONIES.map(({ file }, i) => [file, scripts[i] as ParsedScript]));
const actions = (file: string): Step['action'][] => (byFile.get(file)?.script.steps ?? []).map((s) => s.action);
const indexOf = (file: string, action: Step['action']): number => actions(file).indexOf(action);

describe('built-in ceremonies (assets/ceremonies)', () => {
  it('are exactly the seven listed, each valid with its cross-references checked, with distinct ids', async () => {
    const files = (await readdir(defaultCeremoniesFolder())).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    expect(files).toEqual(BUILT_IN_CEREMONIES.map((c) => c.file));
    expect(new Set(scripts.map((s) => s.script.metadata.id)).size).toBe(7);
    for (const { scriptSha256 } of scripts) expect(scriptSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('1 generates a non-extractable signing key in the HSM, exports its public key and diffs the inventory', () => {
    const file = '01-root-key-generation.yaml';
    const root = byFile.get(file)?.script.keys[0];
    expect(root?.type).not.toBe('aes-256');
    expect(root?.usages).toContain('sign');
    expect(indexOf(file, 'hsm.generateKey')).toBeLessThan(indexOf(file, 'hsm.exportPublicKey'));
    expect(byFile.get(file)?.script.steps.find((s) => s.action === 'hsm.exportPublicKey')?.readAloud).toContain('fingerprintWords');
    expect(actions(file)).toContain('inventory.diff');
  });

  it('2 generates, splits M-of-N, writes the shares, loads into two HSMs and compares check values after loading', () => {
    const file = '02-master-key-split-and-load.yaml';
    const { script } = byFile.get(file) as ParsedScript;
    const policy = script.sharePolicies[0];
    expect(policy?.threshold).toBeLessThan(policy?.total ?? 0);
    const order = ['secret.generate', 'shares.split', 'shares.write', 'key.load', 'key.compareCheckValues'] as const;
    const positions = order.map((a) => indexOf(file, a));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const load = script.steps.find((s) => s.action === 'key.load');
    expect(load?.action === 'key.load' ? load.params.hsms.length : 0).toBeGreaterThanOrEqual(2);
  });

  it('3 rebuilds from shares then loads and compares, never generating a new key', () => {
    const file = '03-recovery.yaml';
    expect(actions(file)).not.toContain('secret.generate');
    expect(indexOf(file, 'shares.collect')).toBeLessThan(indexOf(file, 'key.load'));
    expect(indexOf(file, 'key.load')).toBeLessThan(indexOf(file, 'key.compareCheckValues'));
  });

  it('4 collects the old set, splits to a new policy of the same key, writes it and revokes the old set', () => {
    const file = '04-reshare.yaml';
    const { script } = byFile.get(file) as ParsedScript;
    const param = (action: Step['action']): unknown => (script.steps.find((s) => s.action === action)?.params as { sharePolicy?: string } | undefined)?.sharePolicy;
    expect(param('shares.collect')).toBe(param('shares.revoke'));
    expect(param('shares.split')).not.toBe(param('shares.collect'));
    const keysOf = new Set(script.sharePolicies.map((p) => p.key));
    expect(keysOf.size).toBe(1);
    expect(indexOf(file, 'shares.write')).toBeLessThan(indexOf(file, 'shares.revoke'));
  });

  it('5 deprecates, schedules after a waiting period, then destroys, in that order', () => {
    const file = '05-key-destruction.yaml';
    const { script } = byFile.get(file) as ParsedScript;
    expect(indexOf(file, 'key.deprecate')).toBeLessThan(indexOf(file, 'key.scheduleDestruction'));
    expect(indexOf(file, 'key.scheduleDestruction')).toBeLessThan(indexOf(file, 'key.destroy'));
    const schedule = script.steps.find((s) => s.action === 'key.scheduleDestruction');
    expect(schedule?.action === 'key.scheduleDestruction' ? schedule.params.waitingPeriodDays : 0).toBeGreaterThan(0);
  });

  it('5 destroys the key ceremony 1 generates (same label and type), and diffs against a snapshot taken logged in, so both halves count', () => {
    const destroy = byFile.get('05-key-destruction.yaml') as ParsedScript;
    const [generated] = (byFile.get('01-root-key-generation.yaml') as ParsedScript).script.keys;
    const [destroyed] = destroy.script.keys;
    expect({ label: destroyed?.label, type: destroyed?.type }).toEqual({ label: generated?.label, type: generated?.type });
    const steps = destroy.script.steps;
    const diff = steps.find((s) => s.action === 'inventory.diff');
    const before = steps.find((s) => s.id === (diff?.action === 'inventory.diff' ? diff.params.before : ''));
    // Private keys are visible only to a logged-in user: the snapshot is taken after login, before the deprecation.
    expect(before?.action).toBe('inventory.snapshot');
    const position = (id: string | undefined) => steps.findIndex((s) => s.id === id);
    expect(position(before?.id)).toBeGreaterThan(indexOf('05-key-destruction.yaml', 'hsm.login'));
    expect(position(before?.id)).toBeLessThan(indexOf('05-key-destruction.yaml', 'key.deprecate'));
  });

  it('6 audits custody without rebuilding, and 7 checks the inventory policy, neither touching key material', () => {
    expect(actions('06-custody-audit.yaml')).toContain('custody.audit');
    expect(actions('07-hsm-inventory-and-policy.yaml')).toContain('inventory.diff');
    for (const file of ['06-custody-audit.yaml', '07-hsm-inventory-and-policy.yaml']) {
      for (const forbidden of ['shares.collect', 'key.load', 'secret.generate', 'hsm.generateKey', 'key.destroy'] as const) expect(actions(file)).not.toContain(forbidden);
    }
  });
});
