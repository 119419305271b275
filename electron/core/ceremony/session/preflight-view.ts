/**
 * The pre-flight panel's items (DESIGN.md "A ceremony", step 2): the air
 * gap, the environment record, devices and media, the clock, custody
 * serials and each listed HSM's inventory, in the script's order, each
 * passed, warned, failed or still to do, with what people do about a
 * warning or a failure. Everything comes from the results the pre-flight
 * steps recorded (the same public values the transcript holds); nothing is
 * measured again here.
 *
 * The engine's rules decide passed and warned where it has one (the air-gap
 * decision, a clock skew over `maxSkewSeconds`, a custody serial that
 * differs). For the environment and the device inventory, which no rule
 * judges, an item is warned when the record shows a way a secret could reach
 * a disk (swap, core dumps: docs/formats/ceremony-script.md,
 * `preflight.airGap`) or a part that could not be checked.
 */
import type { CeremonyView, PendingRequest, PreflightItem, ReadAloud } from '../../../../shared/contract/ceremony.ts';
import { isPreflightAction, type CeremonyState, type PublicValue } from '../../../../shared/ceremony/index.ts';
import { human } from '../../../../shared/human-value.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { asRecord as record, readAloudValue } from './read-aloud-value.ts';

type Failure = NonNullable<CeremonyView['session']>['failure'];
type Step = CeremonyState['script']['steps'][number];
type Fields = Readonly<Record<string, PublicValue>>;

export interface PreflightInputs {
  state: CeremonyState;
  request: PendingRequest | undefined;
  failure: Failure;
  failedStep: string | null;
}

/** Where a pre-flight step is: done with its result, failed, current or not reached. */
type Progress = { kind: 'done'; result: Fields; deviation: boolean } | { kind: 'failed'; why: string } | { kind: 'current'; waiting: string | null } | { kind: 'to-do' };

const AFTER_ENROLMENT = 'raise an exception after enrolment stating why';
const AGAIN = 'start the ceremony again';

const list = (value: PublicValue | undefined): readonly PublicValue[] => (Array.isArray(value) ? value : []);
const text = (value: PublicValue | undefined, fallback = 'not recorded'): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback);
const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** A SHA-256 digest to read aloud: its hex and its words side by side. */
function digestAloud(name: string, digest: PublicValue | undefined): ReadAloud {
  const hex = typeof digest === 'string' && /^[0-9a-f]{64}$/u.test(digest) ? digest : null;
  return hex === null ? readAloudValue({}, name) : { name, text: null, hex, words: human(hexToBytes(hex)).words };
}

/** 1200 → "20 minutes", 90 → "90 seconds": the unit people say aloud. */
export function spokenDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.round(seconds / 60)} minutes`;
}

function item(fields: Omit<PreflightItem, 'findings' | 'readAloud' | 'whatToDo' | 'title'> & { title: string; findings?: string[]; readAloud?: ReadAloud[]; whatToDo?: string | null }): PreflightItem {
  return {
    item: fields.item,
    step: fields.step,
    title: cut(fields.title, 128),
    state: fields.state,
    findings: (fields.findings ?? []).slice(0, 32).map((f) => cut(f, 512)),
    readAloud: (fields.readAloud ?? []).slice(0, 16),
    whatToDo: fields.whatToDo === undefined || fields.whatToDo === null ? null : cut(fields.whatToDo, 1024),
  };
}

function progressOf(inputs: PreflightInputs, step: Step, index: number): Progress {
  const { state } = inputs;
  const done = state.completed.find((c) => c.id === step.id);
  if (done !== undefined) return { kind: 'done', result: record(done.result), deviation: done.deviation };
  if (inputs.failedStep === step.id) return { kind: 'failed', why: inputs.failure?.message ?? 'the ceremony stopped at this step' };
  if (index === state.stepIndex && state.status === 'running') {
    if (state.result !== undefined) return { kind: 'done', result: record(state.result.value), deviation: state.result.deviation };
    return { kind: 'current', waiting: waitingFor(inputs.request) };
  }
  return { kind: 'to-do' };
}

function waitingFor(request: PendingRequest | undefined): string | null {
  if (request?.kind === 'witness-time') return 'Now: waiting for the time a witness reads from their own clock.';
  if (request?.kind === 'custody-serial') return `Now: waiting for the serial of the ${request.item.kind} '${request.item.label}'.`;
  if (request?.kind === 'previous-bundle') return 'Now: waiting for the earlier ceremony to compare the serials with.';
  return 'Now: Keyrite is checking.';
}

/** An item not done: to do (saying what it waits for when current), or failed with what to do. */
function notDone(progress: Exclude<Progress, { kind: 'done' }>, base: { item: PreflightItem['item']; step: string; title: string }, ifFailed: string): PreflightItem {
  if (progress.kind === 'failed') return item({ ...base, state: 'failed', findings: [`The ceremony stopped here: ${progress.why}`], whatToDo: ifFailed });
  return item({ ...base, state: 'to-do', findings: progress.kind === 'current' && progress.waiting !== null ? [progress.waiting] : [] });
}

function airGapItems(step: Step, progress: Progress): PreflightItem[] {
  const airGap = { item: 'air-gap' as const, step: step.id, title: 'Air gap' };
  const environment = { item: 'environment' as const, step: step.id, title: 'Environment record' };
  if (progress.kind !== 'done') {
    // The environment is recorded by the air-gap step: stopped there, it is not recorded (said once, not the failure again).
    const unrecorded = progress.kind === 'failed' ? item({ ...environment, state: 'failed', findings: ['Not recorded: the ceremony stopped at the air gap, whose step records it.'], whatToDo: `${AGAIN.replace(/^./u, (c) => c.toUpperCase())} once the air gap passes; the environment is recorded with it.` }) : notDone(progress, environment, '');
    return [notDone(progress, airGap, `Unplug every network cable and turn off every radio (Wi-Fi, Bluetooth), then ${AGAIN}.`), unrecorded];
  }
  const r = progress.result;
  // An interface with an IPv4 and an IPv6 default route is named once.
  const names = (key: string): string[] => [...new Set(list(r[key]).map((v) => text(v)))];
  const up = names('interfacesUp');
  const radios = names('radiosOn');
  const routes = names('defaultRoutes');
  const unread = names('unreadSources');
  const decision = text(r['decision']);
  const findings = [text(r['message'], '')].filter((f) => f !== '');
  if (up.length > 0) findings.push(`Network interfaces up: ${up.join(', ')}.`);
  if (radios.length > 0) findings.push(`Radios on: ${radios.join(', ')}.`);
  if (routes.length > 0) findings.push(`Default routes: ${routes.join(', ')}.`);
  if (unread.length > 0) findings.push(`Not checked: ${unread.join(', ')}.`);
  const warned = progress.deviation || decision !== 'pass';
  const online = text(r['verdict']) === 'online';
  const whatToDo = !warned
    ? null
    : online
      ? `Unplug every network cable and turn off every radio${up.length + radios.length > 0 ? ` (${[...up, ...radios].join(', ')})` : ''}, then ${AGAIN}. A rehearsal may go on (the warning is in the transcript); a production ceremony refuses to start on this machine.`
      : `Keyrite could not read everything it checks${unread.length > 0 ? ` (${unread.join(', ')})` : ''}: a witness checks by hand that no cable is plugged in and every radio is off; if you go on, ${AFTER_ENROLMENT}.`;
  return [item({ ...airGap, state: warned ? 'warned' : 'passed', findings, readAloud: [readAloudValue(r, 'decision')], whatToDo }), environmentItem(environment, record(r['environment']))];
}

/** The environment record (OS, app, swap, core dumps, clock): warned where a secret could reach a disk or a part is unknown. */
function environmentItem(base: { item: 'environment'; step: string; title: string }, env: Fields): PreflightItem {
  const os = record(env['os']);
  const app = record(env['app']);
  const swap = record(env['swap']);
  const core = record(env['coreDumps']);
  const clock = record(env['clock']);
  const bundle = record(app['bundle']);
  const offset = typeof clock['utcOffsetMinutes'] === 'number' ? clock['utcOffsetMinutes'] : 0;
  const findings = [
    `Operating system: ${text(os['type'])} ${text(os['release'])} (${text(os['arch'])}).`,
    `Keyrite ${text(app['version'])}; ${typeof bundle['digest'] === 'string' ? `app bundle SHA-256 ${bundle['digest']}` : `app bundle not hashed: ${text(app['bundleError'])}`}.`,
    `Swap: ${text(swap['detail'], text(swap['state']))}.`,
    `Core dumps: ${text(core['state'])} (limit ${text(core['soft'])}, at most ${text(core['hard'])}).`,
    `Clock: ${text(clock['utc'])}, time zone ${text(clock['timeZone'])} (UTC${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}).`,
  ];
  const zramOnly = list(swap['devices']).length > 0 && list(swap['devices']).every((d) => text(record(d)['name'], '').startsWith('/dev/zram'));
  const todo: string[] = [];
  if (swap['state'] === 'on' && !zramOnly) todo.push('turn swap off (swapoff -a): memory holding a secret could be written to disk');
  if (core['state'] === 'enabled') todo.push('turn core dumps off (ulimit -c 0): a crash could write a secret to disk');
  if (swap['state'] === 'unknown' || core['state'] === 'unknown') todo.push('check swap and core dumps by hand: Keyrite could not read them here');
  const readAloud = typeof bundle['digest'] === 'string' ? [digestAloud('appBundleSha256', bundle['digest'])] : [];
  const whatToDo = todo.length === 0 ? null : `${todo.join('; ')}. Then ${AGAIN}; a rehearsal may go on with this recorded.`.replace(/^./u, (c) => c.toUpperCase());
  return item({ ...base, state: todo.length === 0 ? 'passed' : 'warned', findings, readAloud, whatToDo });
}

function clockItem(step: Extract<Step, { action: 'preflight.clock' }>, progress: Progress): PreflightItem {
  const base = { item: 'clock' as const, step: step.id, title: 'Clock check' };
  if (progress.kind !== 'done') {
    return notDone(progress, base, step.onException === 'continue' ? `Correct this computer's clock, then ${AGAIN}.` : `Correct this computer's clock to the witness's reference, then ${AGAIN}: this script lets no clock difference go on.`);
  }
  const r = progress.result;
  const skew = typeof r['skewSeconds'] === 'number' ? r['skewSeconds'] : 0;
  const max = typeof r['maxSkewSeconds'] === 'number' ? r['maxSkewSeconds'] : step.params.maxSkewSeconds;
  const systemClock = text(r['witnessTimeSource']) === 'rehearsal: system clock';
  const findings = [
    systemClock ? `Rehearsal: this computer's clock stood in for the witness's reading (${text(r['systemTime'])}).` : `The witness read ${text(r['witnessTime'])}; this computer said ${text(r['systemTime'])}.`,
    `${spokenDuration(skew)} apart; the script allows ${spokenDuration(max)}.`,
  ];
  const warned = progress.deviation || skew > max;
  const whatToDo = warned ? `The clock differs from the witness's reading by ${spokenDuration(skew)} (the script allows ${spokenDuration(max)}): correct this computer's clock and ${AGAIN}, or go on and ${AFTER_ENROLMENT}. The transcript's times are off by that much; the warning is recorded either way.` : null;
  return item({ ...base, state: warned ? 'warned' : 'passed', findings, readAloud: [readAloudValue(r, 'witnessTime'), readAloudValue(r, 'skewSeconds')], whatToDo });
}

function custodyItem(step: Step, progress: Progress): PreflightItem {
  const base = { item: 'custody-serials' as const, step: step.id, title: 'Custody serials' };
  if (progress.kind !== 'done') return notDone(progress, base, `Find what stopped it (above), put it right, then ${AGAIN}.`);
  const r = progress.result;
  const serials = list(r['serials']).map(record);
  const mismatches = list(r['mismatches']).map(record);
  const compared = record(r['comparedWith']);
  const findings = serials.map((s) => `${text(s['kind'])} '${text(s['label'])}': ${text(s['value'])}`);
  findings.push(r['comparedWith'] === null || r['comparedWith'] === undefined ? 'Not compared: no earlier ceremony was named to compare with.' : `Compared with ceremony ${text(compared['ceremonyId'])}: ${list(r['matched']).length} matched, ${mismatches.length} differ, ${list(r['notRecordedBefore']).length} not recorded before.`);
  const differ = mismatches.map((m) => `${text(m['kind'])} '${text(m['label'])}' (recorded ${text(m['recorded'])}, entered ${text(m['entered'])})`);
  const whatToDo = differ.length === 0 ? null : `The serial of ${differ.join('; ')} differs from the earlier ceremony's: the item may have been swapped or opened. Inspect it before going on; the exception naming it is signed by the administrator and the witnesses right after enrolment.`;
  const readAloud = serials.slice(0, 16).map((s) => ({ name: cut(text(s['label']), 64), text: cut(text(s['value']), 1024), hex: null, words: null }));
  return item({ ...base, state: differ.length > 0 || progress.deviation ? 'warned' : 'passed', findings, readAloud, whatToDo });
}

/** preflight.inventory: the devices and media, then one item per HSM it lists. */
function inventoryItems(step: Extract<Step, { action: 'preflight.inventory' }>, progress: Progress): PreflightItem[] {
  const devices = { item: 'devices' as const, step: step.id, title: 'Devices and media' };
  const hsm = (id: string) => ({ item: 'hsm-inventory' as const, step: step.id, title: `HSM inventory: ${id}` });
  if (progress.kind !== 'done') {
    const again = `Check the HSM is connected and matches the script's token (serial and label), then ${AGAIN}.`;
    return [notDone(progress, devices, `Find what stopped it (above), put it right, then ${AGAIN}.`), ...step.params.hsms.map((id) => notDone(progress, hsm(id), again))];
  }
  const r = progress.result;
  const unavailable = (value: PublicValue | undefined): string | null => (Array.isArray(value) ? null : text(record(value)['unavailable'], 'not recorded'));
  const usbMissing = unavailable(r['usbDevices']);
  const mediaMissing = unavailable(r['removableMedia']);
  const usb = list(r['usbDevices']).map(record);
  const media = list(r['removableMedia']).map(record);
  const findings = [
    usbMissing !== null ? `USB devices could not be listed: ${usbMissing}` : usb.length === 0 ? 'No USB device attached.' : `USB devices (${usb.length}): ${usb.map((d) => `${text(d['id'])} at ${text(d['busPath'])}`).join(', ')}.`,
    mediaMissing !== null ? `Removable media could not be listed: ${mediaMissing}` : media.length === 0 ? 'No removable medium mounted.' : `Removable media (${media.length}): ${media.map((m) => `${text(m['label'])} (${text(m['device'])}) at ${text(m['mountPoint'])}`).join(', ')}.`,
  ];
  const blind = [usbMissing !== null ? 'USB devices' : null, mediaMissing !== null ? 'removable media' : null].filter((s) => s !== null);
  const devicesWhatToDo = blind.length === 0 ? null : `Keyrite could not list the ${blind.join(' or the ')} here: a witness looks at every port and drive by hand; if anything is attached that the script does not expect, ${AFTER_ENROLMENT}.`;
  const objects = record(r['hsmObjects']);
  const digests = record(r['snapshotSha256']);
  return [
    item({ ...devices, state: blind.length === 0 ? 'passed' : 'warned', findings, whatToDo: devicesWhatToDo }),
    ...step.params.hsms.map((id) => {
      const snapshot = record(objects[id]);
      const token = record(snapshot['token']);
      const listed = list(snapshot['objects']).map(record);
      const hsmFindings = [`Token '${text(token['label'])}' (serial ${text(token['serial'])}), ${text(snapshot['view'])} view: ${listed.length} object${listed.length === 1 ? '' : 's'}.`, ...listed.slice(0, 24).map((o) => `${text(o['class'])} '${text(o['label'])}'`)];
      return item({ ...hsm(id), state: 'passed', findings: hsmFindings, readAloud: [digestAloud('snapshotSha256', digests[id])] });
    }),
  ];
}

/** Every pre-flight item of the script, in its order. */
export function preflightItems(inputs: PreflightInputs): PreflightItem[] {
  return inputs.state.script.steps.flatMap((step, index): PreflightItem[] => {
    if (!isPreflightAction(step.action)) return [];
    const progress = progressOf(inputs, step, index);
    switch (step.action) {
      case 'preflight.airGap':
        return airGapItems(step, progress);
      case 'preflight.clock':
        return [clockItem(step, progress)];
      case 'preflight.custodySerials':
        return [custodyItem(step, progress)];
      case 'preflight.inventory':
        return inventoryItems(step, progress);
      default:
        return [];
    }
  }).slice(0, 24);
}
