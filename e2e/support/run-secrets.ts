/**
 * TEST ONLY: the secret material a ceremony run wrote, gathered in the test
 * process so the scan can look for it in what the renderer received (which
 * never reads any of it). For every share file on the run's media: the
 * armour text, the envelope it carries and, opened with the custodian's
 * known passphrase by the engine's own openShare, the share's bytes; for
 * every set with at least M opened shares, the master secret they rebuild
 * (shamir-secret-sharing's combine, as the engine does), checked against the
 * set's secret commitment so the scan searches the real secret, not a guess.
 *
 * And every secret the test typed (the driver remembers each, with the
 * field it went into), so the scan looks for those too.
 *
 * Every array here is allocated here and wiped by wipe() (the fixture calls
 * it when the test ends), and the typed text forgotten; nothing the engine
 * owns is touched. A test starting on an earlier test's data folder adds
 * that test's secrets again from the folder and its cast
 * (rememberEarlierRun in ceremony-driver.ts), so each test's scan covers
 * its own run and the runs it builds on, whichever process ran them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combine } from 'shamir-secret-sharing';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { equalBytes, secretCommitment } from '../../shared/shares/commitments.ts';
import type { ShareHeader } from '../../shared/shares/envelope.ts';
import { bytesToHex } from '../../shared/transcript/bytes.ts';
import { fromArmour } from '../../electron/core/shares/armour.ts';
import { openShare } from '../../electron/core/shares/seal.ts';
import type { KnownSecret } from './secret-scan.ts';

interface OpenedShare {
  header: ShareHeader;
  /** The library share: value || x (docs/formats/share.md §4). */
  value: Uint8Array;
}

const setOf = (header: ShareHeader): string => bytesToHex(header.setId);
const short = (header: ShareHeader): string => `share ${header.index} of set ${setOf(header).slice(0, 8)}…, held by ${header.custodian}`;

export class RunSecrets {
  readonly #known: KnownSecret[] = [];
  readonly #opened: OpenedShare[] = [];
  /** Share files already read (by path), so a medium used by several ceremonies of a spec is opened once. */
  readonly #read = new Set<string>();
  /** Text typed into the app, by value, with where it was typed. */
  readonly #typed = new Map<string, string>();

  /** A secret typed into the app (the first place it was typed names it). */
  remember(text: string, where: string): void {
    if (!this.#typed.has(text)) this.#typed.set(text, where);
  }

  /** Every secret to look for: what was typed, as UTF-8, then the secret material gathered from the runs. */
  all(): KnownSecret[] {
    return [...[...this.#typed].map(([text, what]) => ({ what, bytes: new TextEncoder().encode(text) })), ...this.#known];
  }

  /** What the gathered secrets are, for those whose description starts with `prefix` (a spec counts them). */
  named(prefix: string): string[] {
    return this.#known.map((k) => k.what).filter((what) => what.startsWith(prefix));
  }

  /** Adds a secret unless the same bytes are already known. Takes ownership of `bytes` (wiped by wipe()). */
  add(what: string, bytes: Uint8Array): void {
    if (this.#known.some((k) => equalBytes(k.bytes, bytes))) {
      bytes.fill(0);
      return;
    }
    this.#known.push({ what, bytes });
  }

  list(): readonly KnownSecret[] {
    return this.#known;
  }

  /** Reads every share file on the media folders under `mediaRoot` (one folder a custodian) and opens those whose passphrase is known. */
  async collectMedia(mediaRoot: string, passphrases: Readonly<Record<string, string>>): Promise<void> {
    if (!existsSync(mediaRoot)) return;
    for (const custodian of readdirSync(mediaRoot)) await this.collectMedium(join(mediaRoot, custodian), passphrases[custodian]);
  }

  /** Reads the share file(s) of one medium folder; opens them with `passphrase` when given. */
  async collectMedium(folder: string, passphrase: string | undefined): Promise<void> {
    for (const name of readdirSync(folder).filter((n) => n.endsWith('.share'))) {
      const path = join(folder, name);
      if (this.#read.has(path)) continue;
      const armour = new Uint8Array(readFileSync(path));
      const { envelope, parsed } = fromArmour(new TextDecoder().decode(armour), name);
      const what = short(parsed.header);
      this.add(`the armour text of ${what} (${path})`, armour);
      this.add(`the envelope of ${what}`, envelope.slice());
      if (passphrase === undefined) continue;
      const key = new SecretBytes(new TextEncoder().encode(passphrase));
      try {
        const value = await openShare(parsed, name, key);
        this.#read.add(path);
        this.#opened.push({ header: parsed.header, value });
        this.add(`the share bytes of ${what}`, value.slice());
      } finally {
        key.wipe();
      }
    }
    await this.#combineSets();
  }

  /** The master secret of every set with M opened shares, checked against the set's commitment. */
  async #combineSets(): Promise<void> {
    const bySet = new Map<string, OpenedShare[]>();
    for (const s of this.#opened) bySet.set(setOf(s.header), [...(bySet.get(setOf(s.header)) ?? []), s]);
    for (const [setId, shares] of bySet) {
      const first = shares[0]?.header;
      if (first === undefined || shares.length < first.threshold) continue;
      const master = await combine(shares.slice(0, first.threshold).map((s) => s.value));
      if (!equalBytes(secretCommitment(master, first.setId), first.secretCommitment)) {
        master.fill(0);
        throw new Error(`the shares of set ${setId.slice(0, 8)}… on the run's media do not rebuild the secret their commitment names`);
      }
      this.add(`the master secret of set ${setId.slice(0, 8)}… (${first.keyLabel})`, master);
    }
  }

  /** Wipes every array this collection allocated and forgets them. */
  wipe(): void {
    for (const k of this.#known) k.bytes.fill(0);
    for (const s of this.#opened) s.value.fill(0);
    this.#known.length = 0;
    this.#opened.length = 0;
    this.#read.clear();
    this.#typed.clear();
  }
}

/** The secrets of the runs of the current test in this worker (a spec runs one test at a time). */
export const runSecrets = new RunSecrets();
