/**
 * The safety invariant of a recovery, checked from a transcript alone, the
 * way an auditor would, and written apart from the engine's own rule code
 * (sign-off-rules.ts) so a bug there cannot hide itself:
 *
 *   no key is loaded (no `key/created`, no `key.load` result) unless the
 *   transcript also holds, before it (and after the collection last
 *   started over, if it did), at least M `share/accepted` for
 *   distinct custodians of the recorded set who enrolled as custodians, and
 *   every approval and sign-off the script requires of every step up to the
 *   load, each by distinct enrolled people of the right roles whose
 *   signatures verify under the keys they enrolled with.
 *
 * In a resumed transcript, only the attempt that loaded counts (see below).
 * Returns what is wrong, in words; empty when the invariant holds.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { SIGN_OFF_DOMAIN, verifySignature, type CeremonyScript, type SignOffRequirement } from '../../../shared/ceremony/index.ts';

export interface TranscriptLike {
  seq: number;
  type: string;
  step: string | null;
  payload: { readonly [key: string]: unknown };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Can each requirement's count be filled by distinct people of its roles? (Backtracking: a handful of people and slots.) */
export function fills(requirements: readonly SignOffRequirement[], roles: readonly string[]): boolean {
  const slots = requirements.flatMap((r) => Array.from({ length: r.count }, () => r.roles as readonly string[]));
  const used = new Array<boolean>(roles.length).fill(false);
  const place = (slot: number): boolean => {
    const wanted = slots[slot];
    if (wanted === undefined) return true;
    for (const [i, role] of roles.entries()) {
      if (used[i] === true || !wanted.includes(role)) continue;
      used[i] = true;
      if (place(slot + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return place(0);
}

export function keyLoadViolations(events: readonly TranscriptLike[], script: CeremonyScript, recorded: readonly string[]): string[] {
  const loadedAt = events.find((e) => e.type === 'key/created' || (e.type === 'step/result' && e.payload['action'] === 'key.load'));
  if (loadedAt === undefined) return [];
  const before = events.filter((e) => e.seq < loadedAt.seq);
  const problems: string[] = [];
  const enrolled = new Map(before.filter((e) => e.type === 'participant/enrolled').map((e) => [text(e.payload['participant']), { role: text(e.payload['role']), key: text(e.payload['signingKey']) }]));

  // A resumed transcript holds every attempt: what counts is the attempt that loaded. A resume that redoes
  // steps from index i supersedes what those steps recorded before it; shares count only in the collection
  // whose result the load used, after the last resume before that result (an unfinished rebuild dies in a crash).
  const resumes = before.filter((e) => e.type === 'ceremony/resumed');
  const supersededBefore = (stepIndex: number): number =>
    Math.max(-1, ...resumes.filter((e) => { const from = (e.payload['redoFrom'] as { index?: number } | null)?.index; return from !== undefined && from <= stepIndex; }).map((e) => e.seq));
  const collected = before.filter((e) => e.type === 'step/result' && e.payload['action'] === 'shares.collect').at(-1);
  // A collection that started over (shares/started-over) counts only the shares accepted after its last start.
  const attemptStart = Math.max(-1, ...[...resumes, ...before.filter((e) => e.type === 'shares/started-over')].filter((e) => collected !== undefined && e.seq < collected.seq).map((e) => e.seq));
  const policy = script.sharePolicies[0];
  const threshold = policy?.threshold ?? Number.POSITIVE_INFINITY;
  const custodians = new Set(before.filter((e) => e.type === 'share/accepted' && collected !== undefined && e.seq > attemptStart && e.seq < collected.seq).map((e) => text(e.payload['custodian'])));
  const valid = [...custodians].filter((c) => recorded.includes(c) && enrolled.get(c)?.role === 'custodian');
  if (valid.length < threshold) problems.push(`key loaded with shares of ${valid.length} distinct enrolled custodians of the recorded set (${[...custodians].join(', ')}); ${threshold} needed`);

  const loadIndex = script.steps.findIndex((s) => s.id === loadedAt.step || (s.action === 'key.load' && loadedAt.step === null));
  if (loadIndex < 0) problems.push(`key loaded at step '${String(loadedAt.step)}', which is no key.load step of the script`);
  for (const [index, step] of script.steps.entries()) {
    if (index > loadIndex) break;
    const stages: ['approval' | 'sign-off', readonly SignOffRequirement[]][] = [['approval', step.approval ?? []]];
    if (index < loadIndex) stages.push(['sign-off', step.signOff ?? []]);
    for (const [stage, requirements] of stages) {
      if (requirements.length === 0) continue;
      const signed = before.filter((e) => e.type === 'sign-off/recorded' && e.step === step.id && e.payload['stage'] === stage && e.seq > supersededBefore(index));
      const people = new Map<string, string>();
      for (const e of signed) {
        const id = text(e.payload['witness']);
        const who = enrolled.get(id);
        const claim = { participantId: id, publicKey: text(e.payload['publicKey']), signature: text(e.payload['signature']) };
        if (who === undefined) problems.push(`${step.id}/${stage}: signed by '${id}', who is not enrolled`);
        else if (claim.publicKey !== who.key) problems.push(`${step.id}/${stage}: ${id} signed with a key other than the enrolled one`);
        else if (!/^[0-9a-f]{64}$/.test(text(e.payload['contentSha256'])) || !verifySignature(SIGN_OFF_DOMAIN, hexToBytes(text(e.payload['contentSha256'])), claim)) problems.push(`${step.id}/${stage}: ${id}'s signature does not verify`);
        else people.set(id, who.role);
      }
      if (!fills(requirements, [...people.values()])) problems.push(`${step.id}/${stage}: signed by ${[...people.entries()].map(([id, role]) => `${id} (${role})`).join(', ') || 'nobody'}, which does not meet the script's requirement`);
    }
  }
  return problems;
}
