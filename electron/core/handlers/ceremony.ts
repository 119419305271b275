/**
 * Handlers for the ceremony part of the contract (shared/contract/ceremony.ts).
 * One ceremony at a time; its session (../ceremony/session/) runs the same
 * runner as `keyrite rehearse` with people as the input source. Every
 * request's secrets are adopted by the session and wiped by the runner;
 * every answer is the public view.
 */
import { join } from 'node:path';
import type { CeremonyProgress, CeremonyView, ScriptSummary } from '../../../shared/contract/ceremony.ts';
import { ScriptInvalidError, type ParsedScript } from '../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { BUILT_IN_CEREMONIES, defaultCeremoniesFolder } from '../ceremony/built-in-scripts.ts';
import { loadScriptFile, parseScriptText } from '../ceremony/read-script.ts';
import { unsupportedActions } from '../ceremony/runner/run-ceremony.ts';
import { CeremonySession, sessionFolder } from '../ceremony/session/ceremony-session.ts';
import { checkChosen, choicesFor } from '../ceremony/session/choices.ts';
import { earlierRuns, findInterrupted } from '../ceremony/session/interrupted.ts';
import { assessPassphrase } from '../ceremony/session/passphrase-strength.ts';
import { checkShareWords } from '../ceremony/session/share-words.ts';
import type { EngineServices, HandlersFor } from '../engine-services.ts';

/** Actions on a key an earlier ceremony made in its HSM: a rehearsal opens copies of that run's tokens. */
const ON_EARLIER_KEY = new Set(['key.deprecate', 'key.scheduleDestruction', 'key.destroy']);
const needsEarlierTokens = (parsed: ParsedScript): boolean => parsed.script.steps.some((s) => ON_EARLIER_KEY.has(s.action));

/** Actions that need an earlier ceremony's bundle. */
const NEEDS_PREVIOUS = new Set(['shares.collect', 'custody.audit', 'shares.revoke', 'key.deprecate', 'key.destroy']);

function summaryOf(handle: string, parsed: ParsedScript, purpose: string): ScriptSummary {
  const { script } = parsed;
  return {
    handle,
    id: script.metadata.id,
    title: script.metadata.title,
    purpose: purpose.slice(0, 512),
    mode: script.metadata.mode,
    steps: script.steps.length,
    needsPrevious: script.steps.some((s) => NEEDS_PREVIOUS.has(s.action)),
    needsEarlierTokens: needsEarlierTokens(parsed),
  };
}

export function ceremonyHandlers(services: EngineServices): HandlersFor<'ceremony'> {
  let session: CeremonySession | undefined;
  /** Scripts checked in this run of the app, by handle. */
  const checked = new Map<string, ParsedScript>();

  const events = {
    changed: (view: CeremonyView) => services.emit({ name: 'ceremony/changed', payload: view }),
    recorded: (event: { seq: number; at: string; type: string; step: string | null; actors: string[]; summary: string }) => {
      services.emit({ name: 'ceremony/recorded', payload: event });
      services.audit.record(event.type, event.summary);
    },
    checkpoint: (checkpoint: { size: number; rootHex: string; rootWords: string[] }) => services.emit({ name: 'ceremony/checkpoint', payload: checkpoint }),
    progress: (report: CeremonyProgress) => services.emit({ name: 'ceremony/progress', payload: report }),
  };

  const running = (): CeremonySession => {
    if (session === undefined) throw new KeyriteError('CEREMONY_NOT_STARTED', 'No ceremony is open; start one from Home.');
    return session;
  };
  const view = (): CeremonyView => session?.view() ?? { session: null };
  const builtIns = async (): Promise<{ handle: string; parsed: ParsedScript; purpose: string }[]> =>
    Promise.all(BUILT_IN_CEREMONIES.map(async ({ file, purpose }) => ({ handle: `built-in:${file}`, parsed: await loadScriptFile(join(services.config.ceremoniesFolder ?? defaultCeremoniesFolder(), file)), purpose })));

  services.onClose(async () => {
    await session?.abort('Keyrite was closed during the ceremony.').catch(() => undefined);
  });

  /** Answers with the view once the runner has taken the answer (its next state or question). */
  const settled = async (): Promise<CeremonyView> => {
    await new Promise((resolve) => setImmediate(resolve));
    return view();
  };

  return {
    'ceremony/listScripts': async () => ({ scripts: (await builtIns()).map((b) => summaryOf(b.handle, b.parsed, b.purpose)) }),

    'ceremony/checkScript': ({ name, text }) => {
      try {
        const parsed = parseScriptText(text, name);
        const missing = unsupportedActions(parsed);
        const handle = `checked:${parsed.scriptSha256.slice(0, 32)}`;
        checked.set(handle, parsed);
        const problems = missing.map((a) => ({ path: 'steps', message: `This Keyrite cannot perform the action ${a} yet.`, line: null, column: null }));
        return { ok: missing.length === 0, problems, script: summaryOf(handle, parsed, 'A script file you chose') };
      } catch (error) {
        if (!(error instanceof ScriptInvalidError)) throw error;
        return { ok: false, problems: error.problems.slice(0, 200).map((p) => ({ path: p.path.slice(0, 256), message: p.message.slice(0, 1024), line: p.line ?? null, column: p.column ?? null })), script: null };
      }
    },

    'ceremony/earlierRuns': () => ({ runs: earlierRuns(services.config.dataDir).slice(0, 64) }),

    'ceremony/start': async ({ handle, earlier }) => {
      if (session?.running === true) throw new KeyriteError('CEREMONY_ALREADY_RUNNING', 'A ceremony is already running; finish or abort it first.');
      const parsed = checked.get(handle) ?? (await builtIns()).find((b) => b.handle === handle)?.parsed;
      if (parsed === undefined) throw new KeyriteError('CEREMONY_SCRIPT_UNKNOWN', `No ceremony script '${handle}' was offered; choose one from the list or check a script file first.`);
      const missing = unsupportedActions(parsed);
      if (missing.length > 0) throw new KeyriteError('CEREMONY_ACTION_UNSUPPORTED', `This Keyrite cannot perform ${missing.join(', ')} yet.`);
      // SoftHSM reads its configuration once per process (C_Initialize): the module Home listed tokens with is finalised so the run's own tokens can load; Home loads it again afterwards.
      await services.releaseHsm?.();
      let earlierTokens: string | undefined;
      if (needsEarlierTokens(parsed)) {
        const run = earlierRuns(services.config.dataDir).find((r) => r.handle === earlier);
        if (run === undefined) throw new KeyriteError('CEREMONY_EARLIER_RUN_REQUIRED', `${parsed.script.metadata.title} acts on a key an earlier ceremony made: choose that ceremony's run from the list.`);
        earlierTokens = join(services.config.dataDir, 'ceremonies', run.handle, 'rehearsal-hsm');
      }
      session = new CeremonySession({ parsed, outFolder: sessionFolder(services.config.dataDir, parsed.script.metadata.id, new Date()), events, ...(earlierTokens === undefined ? {} : { earlierTokens }) });
      services.audit.record('ceremony.started', `Ceremony started: ${parsed.script.metadata.title}`);
      return settled();
    },

    'ceremony/view': () => view(),

    'ceremony/listInterrupted': async () => {
      const scripts = [...(await builtIns()).map((b) => b.parsed), ...checked.values()];
      const found = findInterrupted(services.config.dataDir, scripts, session?.running === true ? session.outFolder : undefined);
      return {
        ceremonies: found.slice(0, 64).map((c) => ({
          handle: c.handle, ceremonyId: c.ceremonyId.slice(0, 256), title: c.title, startedAt: c.startedAt.slice(0, 64), events: c.events, lastEvent: c.lastEvent,
          resumable: c.parsed !== undefined, why: c.parsed === undefined ? 'The script it ran is not one of this Keyrite\'s; open that script file first, then resume.' : null,
        })),
      };
    },

    'ceremony/resume': async ({ handle }) => {
      if (session?.running === true) throw new KeyriteError('CEREMONY_ALREADY_RUNNING', 'A ceremony is already running; finish or abort it first.');
      const scripts = [...(await builtIns()).map((b) => b.parsed), ...checked.values()];
      const found = findInterrupted(services.config.dataDir, scripts, undefined).find((c) => c.handle === handle);
      if (found === undefined) throw new KeyriteError('CEREMONY_RESUME_UNKNOWN', `'${handle.slice(0, 80)}' is not an interrupted ceremony of this data folder; choose one from the list.`);
      if (found.parsed === undefined) throw new KeyriteError('CEREMONY_RESUME_NO_SCRIPT', `The script ${found.title} ran is not available; open that script file first, then resume.`);
      // As for a start: Home's module is finalised so the resumed run's own tokens can load (else CKR_CRYPTOKI_ALREADY_INITIALIZED).
      await services.releaseHsm?.();
      session = new CeremonySession({ parsed: found.parsed, outFolder: found.folder, events, resume: true });
      services.audit.record('ceremony.resumed', `Ceremony resumed: ${found.title}`);
      return settled();
    },

    'ceremony/choices': async () => {
      const s = running();
      return choicesFor(s.view().session?.request ?? undefined, services.config.dataDir, s.outFolder);
    },

    'ceremony/enrol': async ({ requestId, id, name, role, passphrase, confirmation }) => {
      running().enrol(requestId, { id, name, role, passphrase, confirmation });
      return settled();
    },

    'ceremony/enrolmentComplete': async ({ requestId }) => {
      running().enrolmentComplete(requestId);
      return settled();
    },

    'ceremony/signOff': async ({ requestId, participantId, passphrase }) => {
      running().signOff(requestId, participantId, passphrase);
      return settled();
    },

    'ceremony/submit': async ({ requestId, input }) => {
      const s = running();
      const request = s.view().session?.request ?? undefined;
      switch (input.kind) {
        case 'pin':
          s.pin(requestId, input.pin);
          break;
        case 'witness-time':
          s.witnessTime(requestId, input.time);
          break;
        case 'custody-serial':
          s.custodySerial(requestId, input.typed, input.readBack);
          break;
        case 'seal-passphrase':
          s.sealPassphrase(requestId, input.passphrase, input.confirmation);
          break;
        case 'share-medium':
          if (input.folder !== null) await checkChosen(input.folder, request, services.config.dataDir, s.outFolder);
          s.shareMedium(requestId, input.folder);
          break;
        case 'share':
          try {
            await checkChosen(input.medium, request, services.config.dataDir, s.outFolder);
          } catch (error) {
            input.passphrase.fill(0);
            throw error;
          }
          s.share(requestId, input.custodian, input.medium, input.passphrase);
          break;
        case 'share-words':
          s.shareWords(requestId, input.custodian, input.words, input.passphrase);
          break;
        case 'no-more-shares':
          s.noMoreShares(requestId);
          break;
        case 'start-over-shares':
          s.startOverShares(requestId);
          break;
        case 'previous-bundle':
          if (input.folder === null) {
            if (request?.kind !== 'previous-bundle' || request.purpose !== 'custody-serials') throw new KeyriteError('CEREMONY_PREVIOUS_REQUIRED', 'This step needs an earlier ceremony\'s evidence bundle; choose one from the list.');
          } else await checkChosen(input.folder, request, services.config.dataDir, s.outFolder);
          s.previousBundle(requestId, input.folder);
          break;
      }
      return settled();
    },

    'ceremony/checkShareWords': ({ words }) => {
      const typed = SecretBytes.adopt(words);
      try {
        return checkShareWords(typed);
      } finally {
        typed.wipe();
      }
    },

    'ceremony/assessPassphrase': ({ passphrase }) => {
      const secret = SecretBytes.adopt(passphrase);
      try {
        return assessPassphrase(secret);
      } finally {
        secret.wipe();
      }
    },

    'ceremony/raiseException': async (raised) => {
      running().raiseException(raised);
      return settled();
    },

    'ceremony/abort': async ({ reason }) => {
      await running().abort(reason);
      return view();
    },

    'ceremony/cancelWork': async () => {
      try {
        running().cancelWork();
      } catch (error) {
        if (error instanceof KeyriteError) services.audit.record('ceremony.cancel-refused', error.message);
        throw error;
      }
      return settled();
    },

    'ceremony/dismiss': () => {
      if (session?.running === true) throw new KeyriteError('CEREMONY_STILL_RUNNING', 'The ceremony is still running; abort it first.');
      session = undefined;
      return view();
    },
  };
}
