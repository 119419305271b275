/**
 * The answers file as a source of ceremony inputs (`keyrite rehearse`).
 * Every answer is known up front; whatever is missing is refused with the
 * answers-file field to fill in. Who signs a stage: `signers["<step>/<stage>"]`
 * exactly, in order, when given (so a rehearsal can show a wrong role or a
 * repeated person refused); otherwise the first enrolled people who satisfy
 * the requirement, in enrolment order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stageRequirements, type CeremonyState } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { takeSecret, type Answers } from './answers.ts';
import type { CeremonyInputs } from './inputs.ts';

function autoSigners(state: CeremonyState, stage: string): string[] {
  if (stage === 'exception') {
    // The administrator and the script's witness quorum (the first enrolled of each role).
    const admin = state.participants.filter((p) => p.role === 'administrator').slice(0, 1);
    const witnesses = state.participants.filter((p) => p.role === 'witness').slice(0, state.script.exceptionQuorum.witnesses);
    return [...admin, ...witnesses].map((p) => p.id);
  }
  const out: string[] = [];
  for (const requirement of stageRequirements(state)) {
    const roles = requirement.roles as readonly string[];
    const eligible = state.participants.filter((p) => roles.includes(p.role) && !out.includes(p.id));
    out.push(...eligible.slice(0, requirement.count).map((p) => p.id));
  }
  return out;
}

/** The share file a custodian presents: their medium folder's one .share file, or the file itself. */
export function shareFileAt(custodian: string, where: string): { name: string; bytes: Uint8Array } {
  let path = where;
  if (statSync(where).isDirectory()) {
    const files = readdirSync(where).filter((n) => n.endsWith('.share'));
    if (files.length !== 1) throw new KeyriteError('CEREMONY_SHARE_AMBIGUOUS', `${custodian}'s medium holds ${files.length} share files; present exactly one.`);
    path = join(where, files[0] as string);
  }
  return { name: path.split(/[\\/]/).at(-1) ?? path, bytes: new Uint8Array(readFileSync(path)) };
}

export function answersInputs(answers: Answers): CeremonyInputs {
  let enrolled = 0;
  /** Per `<step>/<stage>` (one exception per step is signed at most once per deviation): how many named signers were handed out. */
  const cursors = new Map<string, number>();
  const presented = new Set<string>();
  const passphraseOf = (custodian: string): string => {
    const text = answers.custodianPassphrases[custodian];
    if (text === undefined) throw new KeyriteError('CEREMONY_ANSWER_MISSING', `No share passphrase for ${custodian} (custodianPassphrases.${custodian}).`);
    return text;
  };
  return {
    source: 'answers-file',
    nextParticipant() {
      const person = answers.participants[enrolled++];
      return Promise.resolve(person === undefined ? undefined : { id: person.id, name: person.name, role: person.role, passphrase: takeSecret(person.passphrase) });
    },
    pin({ hsm }) {
      const text = answers.pins[hsm];
      if (text === undefined) return Promise.reject(new KeyriteError('CEREMONY_ANSWER_MISSING', `The answers file gives no PIN for HSM '${hsm}' (pins.${hsm}).`));
      return Promise.resolve(takeSecret(text));
    },
    witnessTime() {
      if (answers.witnessTime === 'system') return Promise.resolve({ time: new Date(), source: 'rehearsal: system clock' as const });
      return Promise.resolve({ time: new Date(answers.witnessTime), source: 'answers file' as const });
    },
    custodySerial({ item }) {
      const answer = answers.custodySerials.find((a) => a.kind === item.kind && a.label === item.label);
      if (answer === undefined) return Promise.reject(new KeyriteError('CEREMONY_ANSWER_MISSING', `No serial entered for ${item.kind} '${item.label}': give it in custodySerials of the answers file.`));
      return Promise.resolve({ typed: answer.typed, readBack: answer.readBack });
    },
    sealPassphrase({ custodian }) {
      return Promise.resolve(takeSecret(passphraseOf(custodian)));
    },
    shareMedium({ custodian }) {
      return Promise.resolve(answers.media[custodian]);
    },
    nextShare({ expected }) {
      const custodian = expected.find((id) => !presented.has(id) && answers.previous?.shares[id] !== undefined);
      if (custodian === undefined) return Promise.resolve(undefined);
      presented.add(custodian);
      const file = shareFileAt(custodian, answers.previous?.shares[custodian] as string);
      return Promise.resolve({ custodian, file, passphrase: takeSecret(passphraseOf(custodian)) });
    },
    nextSigner({ step, stage, state }) {
      const key = `${step.id}/${stage}`;
      const given = stage === 'exception' ? undefined : answers.signers[key];
      const list = given ?? autoSigners(state, stage);
      const at = cursors.get(key) ?? 0;
      // A given list is handed out once, in order; automatic signers are whoever of the requirement has not signed yet.
      cursors.set(key, at + 1);
      const id = given === undefined && stage !== 'exception' ? list.filter((p) => !alreadySigned(state, stage, p))[0] : list[at];
      return Promise.resolve(id === undefined ? undefined : { participantId: id });
    },
    previousBundle({ purpose }) {
      return Promise.resolve(purpose === 'custody-serials' ? (answers.serialsFrom ?? answers.previous?.bundle) : answers.previous?.bundle);
    },
  };
}

/** True when `id` already signed the current stage (automatic signers skip them). */
function alreadySigned(state: CeremonyState, stage: string, id: string): boolean {
  if (stage === 'approval') return state.approvals.some((s) => s.participantId === id);
  if (stage === 'sign-off') return state.signOffs.some((s) => s.participantId === id);
  return false;
}
