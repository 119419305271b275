/**
 * The ceremony at the screen: the engine's public view (what it waits for,
 * who signed, what to read aloud), the live timeline of recorded events and
 * the latest checkpoint root. Only handles, public values and events live
 * here: a secret a person types goes from its field straight to the bridge
 * as bytes (see `answer`), and the array is zeroed once sent.
 */
import type { StateCreator } from 'zustand';
import type { CeremonyView, Choice, ScriptSummary } from '../../shared/contract/ceremony.ts';
import type { KeyriteEvent, RequestOf, ResponseOf } from '../../shared/contract.ts';
import type { WireError } from '../../shared/result.ts';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

export type CeremonySession = NonNullable<CeremonyView['session']>;
export type RecordedEntry = Extract<KeyriteEvent, { name: 'ceremony/recorded' }>['payload'];
export type CheckpointRoot = Extract<KeyriteEvent, { name: 'ceremony/checkpoint' }>['payload'];
export type WorkProgress = Extract<KeyriteEvent, { name: 'ceremony/progress' }>['payload'];
export type ScriptProblem = ResponseOf<'ceremony/checkScript'>['problems'][number];

/** The live timeline keeps the newest entries; the transcript on disk keeps all. */
const TIMELINE_LIMIT = 500;

export interface CheckedScript {
  name: string;
  problems: ScriptProblem[];
  script: ScriptSummary | null;
}

export interface CeremonyState {
  scripts: ScriptSummary[] | null;
  scriptsError: WireError | null;
  checked: CheckedScript | null;
  session: CeremonySession | null;
  timeline: RecordedEntry[];
  checkpoint: CheckpointRoot | null;
  /** The engine's answer to the last command, when it refused it (a mismatch, a stale request). */
  error: WireError | null;
  /** A command is on its way (a KDF may take a second). */
  busy: boolean;
  /** How shares are presented at this ceremony (file or paper-form words): kept when a refused share is asked for again. */
  sharesPresentedBy: 'file' | 'words';
  /** The long work running now (a share's KDF, loads into HSMs, the bundle's verification); null once it ended or a question waits. */
  progress: WorkProgress | null;
}

/** Answers the screen sends, secret fields as bytes; the slice never keeps them. */
export type Answer =
  | { command: 'ceremony/enrol'; request: Omit<RequestOf<'ceremony/enrol'>, 'requestId'> }
  | { command: 'ceremony/enrolmentComplete'; request: Record<string, never> }
  | { command: 'ceremony/signOff'; request: Omit<RequestOf<'ceremony/signOff'>, 'requestId'> }
  | { command: 'ceremony/submit'; request: Omit<RequestOf<'ceremony/submit'>, 'requestId'> };

export interface CeremonySlice {
  ceremony: CeremonyState;
  loadScripts(): Promise<void>;
  checkScript(name: string, text: string): Promise<void>;
  /** `earlier`: the earlier run whose HSM tokens a key-destruction script acts on. */
  startCeremony(handle: string, earlier?: string): Promise<boolean>;
  earlierRuns(): Promise<ResponseOf<'ceremony/earlierRuns'>['runs']>;
  /** Answers the pending request (by its id); true when the engine took the answer. */
  answer(answer: Answer): Promise<boolean>;
  choices(): Promise<{ choices: Choice[]; defaultLabel: string | null } | null>;
  abortCeremony(reason: string): Promise<void>;
  /** Cancels the long work running now, where the engine allows it (a share's KDF); it then asks its question again. */
  cancelWork(): Promise<void>;
  /** The exception button: what was expected, what happened, and whether to go on; the quorum then signs it. */
  raiseException(raised: RequestOf<'ceremony/raiseException'>): Promise<boolean>;
  interrupted(): Promise<ResponseOf<'ceremony/listInterrupted'>['ceremonies']>;
  resumeCeremony(handle: string): Promise<boolean>;
  dismissCeremony(): Promise<void>;
  presentSharesBy(way: CeremonyState['sharesPresentedBy']): void;
  recordCeremonyEvent(event: KeyriteEvent): void;
}

export const initialCeremonyState: CeremonyState = { scripts: null, scriptsError: null, checked: null, session: null, timeline: [], checkpoint: null, error: null, busy: false, sharesPresentedBy: 'file', progress: null };

/** Zeroes every byte array of a request once it has been sent (the engine has its own copy). */
function wipe(value: unknown): void {
  if (value instanceof Uint8Array) value.fill(0);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) wipe(v);
}

export const createCeremonySlice: StateCreator<KeyriteStore, [], [], CeremonySlice> = (set, get) => {
  const patch = (change: Partial<CeremonyState>): void => set((state) => ({ ceremony: { ...state.ceremony, ...change } }));
  const api = () => getKeyrite().ceremony;

  return {
    ceremony: initialCeremonyState,

    async loadScripts() {
      const result = await api().listScripts({});
      patch(result.ok ? { scripts: result.value.scripts, scriptsError: null } : { scriptsError: result.error });
    },

    async checkScript(name, text) {
      const result = await api().checkScript({ name: name.slice(0, 256), text });
      if (!result.ok) return patch({ checked: { name, problems: [{ path: '', message: result.error.message, line: null, column: null }], script: null } });
      patch({ checked: { name, problems: result.value.problems, script: result.value.script } });
    },

    async startCeremony(handle, earlier) {
      patch({ busy: true, error: null, timeline: [], checkpoint: null, progress: null });
      const result = await api().start(earlier === undefined ? { handle } : { handle, earlier });
      if (!result.ok) {
        patch({ busy: false, error: result.error });
        return false;
      }
      // Events recorded while the start was on its way are already in the timeline.
      patch({ busy: false, session: result.value.session });
      get().goTo('ceremony');
      return true;
    },

    async answer(answer) {
      const requestId = get().ceremony.session?.request?.id;
      if (requestId === undefined) {
        wipe(answer.request);
        return false;
      }
      patch({ busy: true, error: null });
      const c = api();
      try {
        const result =
          answer.command === 'ceremony/enrol'
            ? await c.enrol({ requestId, ...answer.request })
            : answer.command === 'ceremony/enrolmentComplete'
              ? await c.enrolmentComplete({ requestId })
              : answer.command === 'ceremony/signOff'
                ? await c.signOff({ requestId, ...answer.request })
                : await c.submit({ requestId, ...answer.request });
        if (!result.ok) {
          patch({ busy: false, error: result.error });
          return false;
        }
        patch({ busy: false, session: result.value.session });
        return true;
      } finally {
        wipe(answer.request);
      }
    },

    async earlierRuns() {
      const result = await api().earlierRuns({});
      if (!result.ok) {
        patch({ error: result.error });
        return [];
      }
      return result.value.runs;
    },

    async choices() {
      const result = await api().choices({});
      if (!result.ok) {
        patch({ error: result.error });
        return null;
      }
      return result.value;
    },

    async raiseException(raised) {
      patch({ busy: true, error: null });
      const result = await api().raiseException(raised);
      patch(result.ok ? { busy: false, session: result.value.session } : { busy: false, error: result.error });
      return result.ok;
    },

    async interrupted() {
      const result = await api().listInterrupted({});
      return result.ok ? result.value.ceremonies : [];
    },

    async resumeCeremony(handle) {
      patch({ busy: true, error: null, timeline: [], checkpoint: null, progress: null });
      const result = await api().resume({ handle });
      if (!result.ok) {
        patch({ busy: false, error: result.error });
        return false;
      }
      patch({ busy: false, session: result.value.session });
      get().goTo('ceremony');
      return true;
    },

    async abortCeremony(reason) {
      patch({ busy: true, error: null });
      const result = await api().abort({ reason });
      patch(result.ok ? { busy: false, session: result.value.session } : { busy: false, error: result.error });
    },

    async cancelWork() {
      patch({ error: null });
      const result = await api().cancelWork({});
      patch(result.ok ? { session: result.value.session } : { error: result.error });
    },

    async dismissCeremony() {
      const result = await api().dismiss({});
      if (!result.ok) return patch({ error: result.error });
      // The ceremony ended: its view, timeline, checkpoint and the audit timeline start afresh (the built-in script list stays, it does not change).
      set({ ceremony: { ...initialCeremonyState, scripts: get().ceremony.scripts } });
      get().resetAudit();
      get().goTo('home');
    },

    presentSharesBy(way) {
      patch({ sharesPresentedBy: way });
    },

    recordCeremonyEvent(event) {
      if (event.name === 'ceremony/changed') {
        // A view of no ceremony after dismiss must not bring the screen back; a late view of an ended one is kept.
        // A question waiting, or the end, means no work runs any more.
        const next = event.payload.session;
        if (next !== null) patch(next.request === null && next.status === 'running' ? { session: next } : { session: next, progress: null });
      } else if (event.name === 'ceremony/recorded') {
        const entry = event.payload;
        set((state) =>
          state.ceremony.timeline.some((e) => e.seq === entry.seq && e.type === entry.type)
            ? {}
            : { ceremony: { ...state.ceremony, timeline: [...state.ceremony.timeline, entry].slice(-TIMELINE_LIMIT) } },
        );
      } else if (event.name === 'ceremony/checkpoint') {
        patch({ checkpoint: event.payload });
      } else if (event.name === 'ceremony/progress') {
        patch({ progress: event.payload.state === 'running' ? event.payload : null });
      }
    },
  };
};

export const ceremonySelectors = {
  request: (s: CeremonySlice) => s.ceremony.session?.request ?? null,
  running: (s: CeremonySlice) => s.ceremony.session?.status === 'running',
};
