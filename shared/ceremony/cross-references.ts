/**
 * The rules a JSON Schema cannot express: references between parts of the
 * script, uniqueness, counts that must agree, and the order of phases.
 * Every rule reports at the field that breaks it; all problems are
 * collected, none stops the others.
 */
import { ACTIONS, isPreflightAction } from './actions.ts';
import type { PathSegment, ScriptProblem, Locator } from './script-problems.ts';
import { problemAt } from './script-problems.ts';
import type { CeremonyScript, HsmTarget, KeySpec, Metadata, Roles, SharePolicy, SignOffRequirement, Step } from './script-schema.ts';
import { SIGNING_ROLES } from './script-schema.ts';
import { describeRequirements, unmetRequirements } from './sign-off-rules.ts';
import { USAGES_BY_ALGORITHM } from '../domain/keys.ts';

/** Usages a key type supports: the one table the HSM layer also reads. */
const USAGES_BY_TYPE: Readonly<Record<KeySpec['type'], readonly string[]>> = USAGES_BY_ALGORITHM;

/** Actions that need a logged-in HSM (an earlier hsm.login step on it). */
const NEEDS_LOGIN = new Set<Step['action']>(['hsm.generateKey', 'hsm.exportPublicKey', 'secret.generate', 'key.load', 'key.compareCheckValues', 'inventory.snapshot', 'inventory.diff', 'key.deprecate', 'key.scheduleDestruction', 'key.destroy']);
/** Actions whose key must be a secret (symmetric) key. */
const SECRET_KEY_ONLY = new Set<Step['action']>(['secret.generate', 'key.load', 'key.compareCheckValues']);

/**
 * The script as far as the schema accepted it: a section that failed is
 * undefined, a list item that failed is undefined in its place (indices
 * are kept), and the ids of failed items are still known, so one broken
 * step does not make every reference to it look dangling.
 */
export interface CheckedSections {
  metadata: Metadata | undefined;
  roles: Roles | undefined;
  exceptionQuorum: CeremonyScript['exceptionQuorum'] | undefined;
  hsms: (HsmTarget | undefined)[];
  keys: (KeySpec | undefined)[];
  sharePolicies: (SharePolicy | undefined)[];
  steps: (Step | undefined)[];
  /** Ids, names and actions read from every item, valid or not. */
  written: { hsmIds: Set<string>; keyNames: Set<string>; policyIds: Set<string>; stepIds: (string | undefined)[]; actions: (string | undefined)[] };
}

export function sectionsOf(script: CeremonyScript): CheckedSections {
  return {
    ...script,
    written: {
      hsmIds: new Set(script.hsms.map((h) => h.id)),
      keyNames: new Set(script.keys.map((k) => k.name)),
      policyIds: new Set(script.sharePolicies.map((p) => p.id)),
      stepIds: script.steps.map((s) => s.id),
      actions: script.steps.map((s) => s.action),
    },
  };
}

const present = <T>(items: readonly (T | undefined)[]): [T, number][] => items.flatMap((item, i) => (item === undefined ? [] : [[item, i] as [T, number]]));

export function crossReferenceProblems(script: CheckedSections, locate?: Locator): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  const report = (path: PathSegment[], message: string): void => {
    problems.push(problemAt(path, message, locate));
  };

  const { metadata, roles } = script;
  if (metadata !== undefined && metadata.mode === 'production' && metadata.airGap !== 'enforce') report(['metadata', 'airGap'], 'a production ceremony must enforce the air gap');
  if (roles !== undefined) {
    for (const role of ['administrator', 'custodian', 'witness', 'observer'] as const) {
      const count = roles[role];
      if (count !== undefined && count.min > count.max) report(['roles', role, 'min'], `min (${count.min}) is more than max (${count.max})`);
    }
    if (roles.administrator.min < 1) report(['roles', 'administrator', 'min'], 'a ceremony needs at least one administrator');
    if (script.exceptionQuorum !== undefined && script.exceptionQuorum.witnesses > roles.witness.min) {
      report(['exceptionQuorum', 'witnesses'], `an exception needs ${script.exceptionQuorum.witnesses} witnesses but only ${roles.witness.min} are sure to be enrolled (roles.witness.min)`);
    }
  }

  const unique = (items: readonly { value: string; path: PathSegment[] }[], what: string): void => {
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.value)) report(item.path, `${what} '${item.value}' is used twice`);
      seen.add(item.value);
    }
  };
  unique(present(script.hsms).map(([h, i]) => ({ value: h.id, path: ['hsms', i, 'id'] })), 'HSM id');
  unique(present(script.keys).map(([k, i]) => ({ value: k.name, path: ['keys', i, 'name'] })), 'key name');
  unique(present(script.keys).map(([k, i]) => ({ value: k.label, path: ['keys', i, 'label'] })), 'key label');
  unique(present(script.sharePolicies).map(([p, i]) => ({ value: p.id, path: ['sharePolicies', i, 'id'] })), 'share policy id');
  unique(present(script.steps).map(([s, i]) => ({ value: s.id, path: ['steps', i, 'id'] })), 'step id');
  const keys = new Map(present(script.keys).map(([k]) => [k.name, k]));

  for (const [key, i] of present(script.keys)) {
    key.usages.forEach((usage, j) => {
      if (!USAGES_BY_TYPE[key.type].includes(usage)) report(['keys', i, 'usages', j], `a ${key.type} key cannot be used to ${usage}`);
    });
  }

  for (const [policy, i] of present(script.sharePolicies)) {
    const key = keys.get(policy.key);
    if (key === undefined) {
      if (!script.written.keyNames.has(policy.key)) report(['sharePolicies', i, 'key'], `no key named '${policy.key}' in keys`);
    } else if (key.type !== 'aes-256') report(['sharePolicies', i, 'key'], `only a secret key (aes-256) can be split; '${policy.key}' is ${key.type}`);
    if (policy.total === undefined && policy.custodians === undefined) report(['sharePolicies', i], 'say how many shares: total, custodians, or both');
    if (policy.total !== undefined && policy.custodians !== undefined && policy.total !== policy.custodians.length) {
      report(['sharePolicies', i, 'total'], `total (${policy.total}) differs from the number of custodians listed (${policy.custodians.length})`);
    }
    const total = policy.total ?? policy.custodians?.length;
    if (total !== undefined && policy.threshold > total) report(['sharePolicies', i, 'threshold'], `threshold (${policy.threshold}) is more than total (${total})`);
    if (total !== undefined && roles !== undefined && total > roles.custodian.max) report(['sharePolicies', i, policy.total === undefined ? 'custodians' : 'total'], `${total} shares need ${total} custodians but roles.custodian.max is ${roles.custodian.max}`);
    if (policy.custodians !== undefined) unique(policy.custodians.map((c, j) => ({ value: c, path: ['sharePolicies', i, 'custodians', j] })), 'custodian');
  }

  checkSteps(script, report, keys);
  return problems;
}

function checkSteps(script: CheckedSections, report: (path: PathSegment[], message: string) => void, keys: Map<string, KeySpec>): void {
  const { roles, written } = script;
  const maxPerRole = roles === undefined ? undefined : Object.fromEntries(SIGNING_ROLES.map((role) => [role, roles[role].max]));
  const earlier = new Map<string, { index: number; step: Step }>();
  const loggedIn = new Set<string>();
  const enrolIndex = written.actions.indexOf('participants.enrol');
  if (enrolIndex < 0) report(['steps'], 'a ceremony needs one participants.enrol step');
  const lastIndex = script.steps.length - 1;
  const hsmIds = written.hsmIds;
  const refusedSoFar = new Set<string>();

  script.steps.forEach((step, i) => {
    const writtenAction = written.actions[i];
    // A step the schema refused still counts for login and order; its own fields are not checked again.
    if (step === undefined) {
      if (writtenAction === 'hsm.login') for (const id of hsmIds) loggedIn.add(id);
      const id = written.stepIds[i];
      if (id !== undefined) refusedSoFar.add(id);
      return;
    }
    const at = (...rest: PathSegment[]): PathSegment[] => ['steps', i, ...rest];
    const params: Readonly<Record<string, unknown>> = step.params;
    const hsmRef = (value: unknown, path: PathSegment[]): void => {
      if (typeof value !== 'string') return;
      if (!hsmIds.has(value)) report(path, `no HSM target '${value}' in hsms`);
      else if (NEEDS_LOGIN.has(step.action) && !loggedIn.has(value)) report(path, `HSM '${value}' is used before an hsm.login step for it`);
    };
    if (typeof params.hsm === 'string') hsmRef(params.hsm, at('params', 'hsm'));
    if (Array.isArray(params.hsms)) params.hsms.forEach((h, j) => hsmRef(h, at('params', 'hsms', j)));
    if (typeof params.key === 'string') {
      const key = keys.get(params.key);
      if (key === undefined) {
        if (!written.keyNames.has(params.key)) report(at('params', 'key'), `no key named '${params.key}' in keys`);
      }
      else if (SECRET_KEY_ONLY.has(step.action) && key.type !== 'aes-256') report(at('params', 'key'), `${step.action} works on a secret key (aes-256); '${key.name}' is ${key.type}`);
      else if (step.action === 'hsm.exportPublicKey' && key.type === 'aes-256') report(at('params', 'key'), `'${key.name}' is a secret key: it has no public half`);
    }
    if (typeof params.sharePolicy === 'string' && !written.policyIds.has(params.sharePolicy)) report(at('params', 'sharePolicy'), `no share policy '${params.sharePolicy}' in sharePolicies`);
    checkStepReference(step, earlier, refusedSoFar, at, report);

    const outputs: readonly string[] = ACTIONS[step.action].outputs;
    step.readAloud?.forEach((name, j) => {
      if (!outputs.includes(name)) report(at('readAloud', j), `${step.action} has no result value '${name}' (it has ${outputs.join(', ')})`);
    });

    for (const stage of ['approval', 'signOff'] as const) {
      const list: readonly SignOffRequirement[] | undefined = step[stage];
      if (list === undefined || list.length === 0) continue;
      const beforeEnrolment = enrolIndex < 0 || i < enrolIndex || (i === enrolIndex && stage === 'approval');
      if (beforeEnrolment) {
        report(at(stage), `nobody is enrolled yet at this step, so it cannot require ${stage === 'approval' ? 'an approval' : 'a sign-off'}`);
        continue;
      }
      const unmet = maxPerRole === undefined ? undefined : unmetRequirements(list, maxPerRole);
      if (unmet !== undefined) {
        const index = list.indexOf(unmet[unmet.length - 1] as SignOffRequirement);
        report(at(stage, index, 'count'), `requires ${describeRequirements(unmet)}, more people than the roles allow (roles.*.max)`);
      }
    }

    if (isPreflightAction(step.action) && enrolIndex >= 0 && i > enrolIndex) report(at('action'), 'pre-flight steps come before participants.enrol');
    if (!isPreflightAction(step.action) && step.action !== 'participants.enrol' && enrolIndex >= 0 && i < enrolIndex) report(at('action'), `${step.action} cannot run before participants.enrol`);
    if (step.action === 'participants.enrol' && i !== enrolIndex) report(at('action'), 'a ceremony has one participants.enrol step');
    if (step.action === 'ceremony.close' && i !== lastIndex) report(at('action'), 'ceremony.close must be the last step');
    if (step.action === 'hsm.login' && typeof params.hsm === 'string') loggedIn.add(params.hsm);
    earlier.set(step.id, { index: i, step });
  });
  if (lastIndex >= 0 && written.actions[lastIndex] !== 'ceremony.close') report(['steps', lastIndex, 'action'], 'the last step must be ceremony.close');
}

/** Steps that name an earlier step: it must exist, come earlier, and be the right kind for the same key or HSM. */
function checkStepReference(step: Step, earlier: Map<string, { index: number; step: Step }>, refusedEarlier: Set<string>, at: (...rest: PathSegment[]) => PathSegment[], report: (path: PathSegment[], message: string) => void): void {
  const check = (field: string, ref: string, fits: (found: Step) => string | undefined): void => {
    const found = earlier.get(ref);
    if (found === undefined) {
      // A step the schema refused is not judged again; an unknown or later one is.
      if (!refusedEarlier.has(ref)) report(at('params', field), `no earlier step '${ref}'`);
      return;
    }
    const problem = fits(found.step);
    if (problem !== undefined) report(at('params', field), problem);
  };
  if (step.action === 'inventory.diff') {
    const hsm = step.params.hsm;
    check('before', step.params.before, (found) => {
      if (found.action === 'inventory.snapshot' && found.params.hsm === hsm) return undefined;
      if (found.action === 'preflight.inventory' && found.params.hsms.includes(hsm)) return undefined;
      return `step '${found.id}' is not a snapshot of HSM '${hsm}'`;
    });
  }
  if (step.action === 'key.scheduleDestruction') {
    const key = step.params.key;
    check('deprecation', step.params.deprecation, (found) => (found.action === 'key.deprecate' && found.params.key === key ? undefined : `step '${found.id}' does not deprecate key '${key}'`));
  }
  if (step.action === 'key.destroy') {
    const key = step.params.key;
    check('schedule', step.params.schedule, (found) => (found.action === 'key.scheduleDestruction' && found.params.key === key ? undefined : `step '${found.id}' does not schedule the destruction of key '${key}'`));
  }
}
