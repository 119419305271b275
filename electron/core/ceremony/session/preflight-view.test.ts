/**
 * The pre-flight panel's items, derived from what built-in ceremony 1's
 * pre-flight steps (air gap, clock, custody serials, inventory) recorded:
 * each item's state follows the engine's own rule where it has one, a
 * warning or failure says what to do, and any recorded result, however odd,
 * still gives a view the contract accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CeremonyView } from '../../../../shared/contract/ceremony.ts';
import { startCeremony, type CeremonyState, type PublicValue } from '../../../../shared/ceremony/index.ts';
import { human } from '../../../../shared/human-value.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { defaultCeremoniesFolder } from '../built-in-scripts.ts';
import { loadScriptFile } from '../read-script.ts';
import { buildView } from './ceremony-view.ts';
import { preflightItems, spokenDuration, type PreflightInputs } from './preflight-view.ts';

const parsed = await loadScriptFile(`${defaultCeremoniesFolder()}01-root-key-generation.yaml`);
const STEP_IDS = parsed.script.steps.filter((s) => s.action.startsWith('preflight.')).map((s) => s.id);
const DIGEST = 'c0ffee'.repeat(10) + 'abcd';

const environment = (swap: 'on' | 'off' | 'unknown', coreDumps: 'enabled' | 'disabled' | 'unknown', swapDevice = '/swapfile') => ({
  os: { platform: 'linux', type: 'Linux', release: '6.1.0', version: '#1', arch: 'x64' },
  app: { version: '0.0.0-rehearsal', bundle: null, bundleError: 'no app bundle (development run)' },
  swap: { state: swap, devices: swap === 'on' ? [{ name: swapDevice, type: 'file', sizeKiB: 1024 }] : [], detail: `swap is ${swap}` },
  coreDumps: { state: coreDumps, soft: 0, hard: 'unlimited', pattern: 'core' },
  clock: { utc: '2026-11-29T10:00:00.000Z', monotonicNs: '1', timeZone: 'UTC', utcOffsetMinutes: 0 },
});

const airGapResult = (decision: 'pass' | 'warn', env = environment('off', 'disabled')) => ({
  interfacesUp: decision === 'pass' ? [] : ['eth0'], radiosOn: [], defaultRoutes: decision === 'pass' ? [] : ['eth0'],
  decision, message: decision === 'pass' ? 'Air gap confirmed.' : 'REHEARSAL: this workstation is not air-gapped (eth0).', verdict: decision === 'pass' ? 'offline' : 'online', unreadSources: [], environment: env,
});
const clockResult = (skewSeconds: number, maxSkewSeconds = 300) => ({ witnessTime: '2026-11-29T10:20:00.000Z', systemTime: '2026-11-29T10:00:00.000Z', skewSeconds, maxSkewSeconds, witnessTimeSource: 'typed by a witness' });
const serialsResult = (mismatch: boolean) => ({
  serials: [{ kind: 'tamper-bag', label: 'primary bag', value: 'TB-1' }],
  comparedWith: mismatch ? { ceremonyId: 'earlier', root: 'ab'.repeat(32) } : null,
  mismatches: mismatch ? [{ kind: 'tamper-bag', label: 'primary bag', recorded: 'TB-0', entered: 'TB-1' }] : [],
  matched: [], notRecordedBefore: [],
});
const inventoryResult = (usbAvailable: boolean) => ({
  usbDevices: usbAvailable ? [{ id: '1d6b:0002', busPath: '1-1' }] : { unavailable: 'no USB bus' },
  removableMedia: [],
  hsmObjects: { primary: { token: { label: 'keyrite-rehearsal', serial: '0000000000000001' }, view: 'public', objects: [{ class: 'public-key', label: 'Root', id: '01' }] } },
  snapshotSha256: { primary: DIGEST },
});

/** Built-in ceremony 1 with its first `results.length` pre-flight steps done (each result with its deviation). */
function after(results: { result: PublicValue; deviation?: boolean }[], extra: Partial<PreflightInputs> = {}): PreflightInputs {
  const start = startCeremony(parsed.script, parsed.scriptSha256, '0'.repeat(32));
  const completed = results.map((r, index) => ({ id: STEP_IDS[index] ?? '', index, result: r.result, deviation: r.deviation ?? false, approvals: [], signOffs: [] }));
  const state: CeremonyState = { ...start, stepIndex: results.length, completed };
  return { state, request: undefined, failure: null, failedStep: null, ...extra };
}

const byItem = (inputs: PreflightInputs) => Object.fromEntries(preflightItems(inputs).map((i) => [i.item, i]));

describe('the pre-flight panel', () => {
  it("lists ceremony 1's pre-flight items in the script's order, all to do, the current one saying what it waits for", () => {
    const items = preflightItems(after([], { request: undefined }));
    expect(items.map((i) => i.item)).toEqual(['air-gap', 'environment', 'clock', 'custody-serials', 'devices', 'hsm-inventory']);
    expect(items.map((i) => i.state)).toEqual(Array(6).fill('to-do'));
    const clock = byItem(after([{ result: airGapResult('pass') }], { request: { kind: 'witness-time', id: 3, step: 'clock', maxSkewSeconds: 300 } }))['clock'];
    expect(clock?.findings).toEqual(['Now: waiting for the time a witness reads from their own clock.']);
    expect(clock?.whatToDo).toBeNull();
  });

  it('a clock 20 minutes off is warned, with the difference and what to do in words', () => {
    const clock = byItem(after([{ result: airGapResult('pass') }, { result: clockResult(1203), deviation: true }]))['clock'];
    expect(clock?.state).toBe('warned');
    expect(clock?.whatToDo).toMatch(/^The clock differs from the witness's reading by 20 minutes \(the script allows 5 minutes\): correct this computer's clock and start the ceremony again, or go on and raise an exception after enrolment stating why\./);
    expect(clock?.readAloud.map((r) => [r.name, r.text])).toEqual([['witnessTime', '2026-11-29T10:20:00.000Z'], ['skewSeconds', '1203']]);
  });

  it('the clock is warned exactly when the skew is over the script\'s limit (the engine\'s rule)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7200 }), fc.integer({ min: 1, max: 3600 }), (skew, max) => {
        const clock = byItem(after([{ result: airGapResult('pass') }, { result: clockResult(skew, max), deviation: skew > max }]))['clock'];
        expect(clock?.state).toBe(skew > max ? 'warned' : 'passed');
        expect(clock?.whatToDo === null).toBe(skew <= max);
        if (skew > max) expect(clock?.whatToDo).toContain(spokenDuration(skew));
      }),
    );
  });

  it('an online rehearsal machine warns to unplug; a clean air gap passes with no advice', () => {
    const online = byItem(after([{ result: airGapResult('warn'), deviation: true }]))['air-gap'];
    expect(online?.state).toBe('warned');
    expect(online?.findings).toContain('Network interfaces up: eth0.');
    expect(online?.whatToDo).toMatch(/^Unplug every network cable and turn off every radio \(eth0\)/);
    const offline = byItem(after([{ result: airGapResult('pass') }]))['air-gap'];
    expect(offline).toMatchObject({ state: 'passed', whatToDo: null });
  });

  it('the environment warns where a secret could reach a disk (swap on a disk, core dumps) and passes for swap in RAM only', () => {
    const envState = (swap: 'on' | 'off' | 'unknown', core: 'enabled' | 'disabled' | 'unknown', device?: string) => byItem(after([{ result: airGapResult('pass', environment(swap, core, device)) }]))['environment'];
    expect(envState('off', 'disabled')).toMatchObject({ state: 'passed', whatToDo: null });
    expect(envState('on', 'disabled', '/dev/zram0')).toMatchObject({ state: 'passed', whatToDo: null });
    expect(envState('on', 'disabled')?.whatToDo).toMatch(/^Turn swap off \(swapoff -a\)/);
    expect(envState('off', 'enabled')?.whatToDo).toMatch(/^Turn core dumps off \(ulimit -c 0\)/);
    expect(envState('unknown', 'disabled')?.state).toBe('warned');
    expect(envState('off', 'disabled')?.findings[0]).toBe('Operating system: Linux 6.1.0 (x64).');
  });

  it('a custody serial that differs is warned, naming the item, both serials and what to do', () => {
    const done = [{ result: airGapResult('pass') }, { result: clockResult(1) }];
    expect(byItem(after([...done, { result: serialsResult(false) }]))['custody-serials']).toMatchObject({ state: 'passed', whatToDo: null });
    const differs = byItem(after([...done, { result: serialsResult(true), deviation: true }]))['custody-serials'];
    expect(differs?.state).toBe('warned');
    expect(differs?.whatToDo).toContain("tamper-bag 'primary bag' (recorded TB-0, entered TB-1)");
    expect(differs?.findings).toEqual(["tamper-bag 'primary bag': TB-1", 'Compared with ceremony earlier: 0 matched, 1 differ, 0 not recorded before.']);
    expect(byItem(after([...done, { result: serialsResult(false) }]))['custody-serials']?.findings).toContain('Not compared: no earlier ceremony was named to compare with.');
  });

  it('devices that could not be listed are warned; the HSM inventory reads its snapshot digest aloud as words', () => {
    const done = [{ result: airGapResult('pass') }, { result: clockResult(1) }, { result: serialsResult(false) }];
    const blind = byItem(after([...done, { result: inventoryResult(false) }]));
    expect(blind['devices']?.state).toBe('warned');
    expect(blind['devices']?.whatToDo).toMatch(/could not list the USB devices here: a witness looks at every port/);
    const seen = byItem(after([...done, { result: inventoryResult(true) }]));
    expect(seen['devices']).toMatchObject({ state: 'passed', whatToDo: null });
    expect(seen['devices']?.findings[0]).toBe('USB devices (1): 1d6b:0002 at 1-1.');
    expect(seen['hsm-inventory']?.title).toBe('HSM inventory: primary');
    expect(seen['hsm-inventory']?.readAloud).toEqual([{ name: 'snapshotSha256', text: null, hex: DIGEST, words: human(hexToBytes(DIGEST)).words }]);
  });

  it('a pre-flight step the ceremony stopped at is failed, with why and what to do; the steps after it stay to do', () => {
    const inputs = after([{ result: airGapResult('pass') }], { failedStep: 'clock', failure: { code: 'CEREMONY_DEVIATION_UNAPPROVED', message: "Pre-flight check 'clock' failed and its script says abort.", step: 'clock' } });
    const items = byItem({ ...inputs, state: { ...inputs.state, status: 'aborted' } });
    expect(items['clock']?.state).toBe('failed');
    expect(items['clock']?.findings).toEqual(["The ceremony stopped here: Pre-flight check 'clock' failed and its script says abort."]);
    expect(items['clock']?.whatToDo).toMatch(/^Correct this computer's clock/);
    expect(items['devices']?.state).toBe('to-do');
    const refused = { code: 'CEREMONY_AIR_GAP_REFUSED', message: 'This workstation is not air-gapped (eth0).', step: 'air-gap' };
    const atAirGap = byItem(after([], { failedStep: 'air-gap', failure: refused }));
    expect(atAirGap['air-gap']).toMatchObject({ state: 'failed', findings: ['The ceremony stopped here: This workstation is not air-gapped (eth0).'] });
    expect(atAirGap['air-gap']?.whatToDo).toMatch(/^Unplug every network cable and turn off every radio/);
    expect(atAirGap['environment']).toMatchObject({ state: 'failed', findings: ['Not recorded: the ceremony stopped at the air gap, whose step records it.'], whatToDo: 'Start the ceremony again once the air gap passes; the environment is recorded with it.' });
  });

  it('any recorded results, however odd, give items the contract accepts', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ result: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<PublicValue>, deviation: fc.boolean() }), { maxLength: 4 }), (results) => {
        const inputs = after(results);
        const view = buildView({ ceremonyId: 'c', state: inputs.state, request: undefined, lastRefusal: null, failure: null, bundle: null, resumed: null, failedStep: null });
        expect(CeremonyView.safeParse(view).success).toBe(true);
        expect(view.session?.preflight).toHaveLength(6);
      }),
      { numRuns: 200 },
    );
  });
});
