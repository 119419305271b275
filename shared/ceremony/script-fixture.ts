/**
 * A small valid script for tests (parser, state machine, sign-offs): one
 * HSM, a 2-of-3 split, approvals and sign-offs by several roles. Returns a
 * fresh copy each time so a test can break it.
 */
import type { CeremonyScript } from './script-schema.ts';

export function fixtureScript(): CeremonyScript {
  return {
    keyrite: 'ceremony-script',
    metadata: { formatVersion: 1, id: 'fixture-ceremony', title: 'Fixture', organisation: 'Tests', mode: 'rehearsal', airGap: 'warn' },
    roles: { administrator: { min: 1, max: 1 }, custodian: { min: 3, max: 3 }, witness: { min: 2, max: 3 }, observer: { min: 0, max: 2 } },
    exceptionQuorum: { witnesses: 2 },
    hsms: [{ id: 'primary', token: { serial: '0000000000000001', label: 'keyrite-rehearsal' } }],
    keys: [{ name: 'master', type: 'aes-256', label: 'Master key', usages: ['wrap', 'unwrap'] }],
    sharePolicies: [{ id: 'master-shares', key: 'master', threshold: 2, total: 3 }],
    steps: [
      { id: 'air-gap', action: 'preflight.airGap', params: {}, title: 'Air gap', instruction: 'Check the air gap.', readAloud: ['decision'], onException: 'continue' },
      { id: 'enrol', action: 'participants.enrol', params: {}, title: 'Enrol', instruction: 'Enrol everyone.', signOff: [{ roles: ['administrator'], count: 1 }, { roles: ['witness'], count: 2 }], onException: 'abort' },
      { id: 'login', action: 'hsm.login', params: { hsm: 'primary' }, title: 'Log in', instruction: 'Log in.', approval: [{ roles: ['witness'], count: 1 }], onException: 'abort' },
      { id: 'generate', action: 'secret.generate', params: { key: 'master', hsm: 'primary' }, title: 'Generate', instruction: 'Generate the key.', readAloud: ['fingerprintWords'], approval: [{ roles: ['administrator'], count: 1 }, { roles: ['witness'], count: 1 }], onException: 'continue' },
      { id: 'split', action: 'shares.split', params: { sharePolicy: 'master-shares' }, title: 'Split', instruction: 'Split the key.', signOff: [{ roles: ['custodian'], count: 2 }, { roles: ['witness', 'administrator'], count: 2 }], onException: 'abort' },
      { id: 'close', action: 'ceremony.close', params: {}, title: 'Close', instruction: 'Close.', signOff: [{ roles: ['administrator'], count: 1 }], onException: 'abort' },
    ],
  };
}
