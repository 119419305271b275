/**
 * One loaded PKCS#11 module, async and fault-aware, and the registry of
 * every module a ceremony has loaded (a key may go into several HSMs from
 * different vendors, each with its own library).
 *
 * WARNING: C_Initialize reads process-wide state (SoftHSM reads
 * SOFTHSM2_CONF then), so callers set the environment before loading.
 */
import pkcs11js from 'pkcs11js';
import { KeyriteError } from '../../../shared/result.ts';
import { nativeBinding, type Handle, type NativeBinding, type Pkcs11Binding, type SlotInfo, type TokenInfo } from './binding.ts';
import { hsmErrorFrom } from './hsm-error.ts';
import { HsmSession, type SessionTimeouts } from './hsm-session.ts';
import { PinGuard } from './pin-guard.ts';
import { formatPkcs11Uri, parsePkcs11Uri } from './pkcs11-uri.ts';
import { ulong } from './key-objects.ts';

export interface HsmModuleOptions {
  rehearsal?: boolean;
  timeouts?: Partial<SessionTimeouts>;
  /** Shared across modules so one token's count survives a module reload. */
  pins?: PinGuard;
  /** Puts a wrapper (the fault injector) between this layer and the library. */
  wrapBinding?: (binding: NativeBinding) => Pkcs11Binding;
}

/** CK_TOKEN_INFO flags, PKCS#11 v2.40 §3.2 table 11. */
const TOKEN_FLAGS = {
  rng: 0x1, writeProtected: 0x2, loginRequired: 0x4, userPinInitialized: 0x8,
  protectedAuthenticationPath: 0x100, tokenInitialized: 0x400,
  userPinCountLow: 0x10000, userPinFinalTry: 0x20000, userPinLocked: 0x40000, userPinToBeChanged: 0x80000,
  soPinCountLow: 0x100000, soPinFinalTry: 0x200000, soPinLocked: 0x400000, soPinToBeChanged: 0x800000,
} as const;
export type TokenFlags = Record<keyof typeof TOKEN_FLAGS, boolean>;

export interface TokenDescription {
  /** Display only: SoftHSM renumbers slots, so tokens are found by serial and label. */
  slotId: string;
  slotDescription: string;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  hardwareVersion: string;
  firmwareVersion: string;
  flags: TokenFlags;
  /** RFC 7512 URI naming this token. */
  uri: string;
}

/** How a ceremony names a token: serial and/or label, or an RFC 7512 URI. */
export type TokenSelector = { serial?: string; label?: string } | { uri: string };

const text = (s: string): string => s.replaceAll('\u0000', ' ').trimEnd();
const version = (v: { major: number; minor: number }): string => `${v.major}.${v.minor}`;

export class HsmModule {
  readonly path: string;
  readonly rehearsal: boolean;
  readonly binding: Pkcs11Binding;
  readonly native: NativeBinding;
  readonly pins: PinGuard;
  readonly timeouts: SessionTimeouts;
  #lib: pkcs11js.PKCS11;
  #sessions = new Set<HsmSession>();
  #closed = false;

  private constructor(path: string, lib: pkcs11js.PKCS11, options: HsmModuleOptions) {
    this.path = path;
    this.rehearsal = options.rehearsal ?? false;
    this.#lib = lib;
    this.native = nativeBinding(lib);
    this.binding = options.wrapBinding?.(this.native) ?? this.native;
    this.pins = options.pins ?? new PinGuard();
    this.timeouts = { callMs: 30_000, generateMs: 600_000, ...options.timeouts };
  }

  /** Loads and initialises a PKCS#11 library (see docs/hsm-modules.md for vendors' paths). */
  static load(path: string, options: HsmModuleOptions = {}): HsmModule {
    const lib = new pkcs11js.PKCS11();
    try {
      lib.load(path);
    } catch (error) {
      throw hsmErrorFrom(error, `loading the PKCS#11 module ${path}`);
    }
    try {
      // CKF_OS_LOCKING_OK: we call from the main thread and the libuv pool (async variants).
      lib.C_Initialize({ flags: 2 });
    } catch (error) {
      lib.close();
      throw hsmErrorFrom(error, `initialising the PKCS#11 module ${path}`);
    }
    return new HsmModule(path, lib, options);
  }

  get openSessions(): readonly HsmSession[] {
    return [...this.#sessions];
  }

  async info(): Promise<{ path: string; manufacturer: string; description: string; libraryVersion: string; cryptokiVersion: string; rehearsal: boolean }> {
    const info = await this.#call('reading the module information', () => this.binding.C_GetInfo());
    return {
      path: this.path, manufacturer: text(info.manufacturerID), description: text(info.libraryDescription),
      libraryVersion: version(info.libraryVersion), cryptokiVersion: version(info.cryptokiVersion), rehearsal: this.rehearsal,
    };
  }

  /** Every slot with a readable token in it. */
  async tokens(): Promise<(TokenDescription & { slot: Handle })[]> {
    return (await this.#listTokens()).tokens;
  }

  async #listTokens(): Promise<{ tokens: (TokenDescription & { slot: Handle })[]; unreadable: unknown[] }> {
    const unreadable: unknown[] = [];
    const slots = await this.#call('listing slots', () => this.binding.C_GetSlotList(true));
    const out: (TokenDescription & { slot: Handle })[] = [];
    for (const slot of slots) {
      let slotInfo: SlotInfo;
      let token: TokenInfo;
      try {
        slotInfo = await this.#call('reading a slot', () => this.binding.C_GetSlotInfo(slot));
        token = await this.#call('reading a token', () => this.binding.C_GetTokenInfo(slot));
      } catch (error) {
        unreadable.push(error);
        // One broken token (SoftHSM: its folder deleted → CKR_GENERAL_ERROR) must not
        // hide the others: it is left out, and a search for it says it is not found.
        continue;
      }
      const flags = Object.fromEntries(Object.entries(TOKEN_FLAGS).map(([name, bit]) => [name, (token.flags & bit) !== 0])) as TokenFlags;
      const description: TokenDescription = {
        slotId: String(ulong(slot)), slotDescription: text(slotInfo.slotDescription),
        label: text(token.label), manufacturer: text(token.manufacturerID), model: text(token.model), serial: text(token.serialNumber),
        hardwareVersion: version(token.hardwareVersion), firmwareVersion: version(token.firmwareVersion), flags, uri: '',
      };
      description.uri = formatPkcs11Uri({ path: { manufacturer: description.manufacturer, model: description.model, serial: description.serial, token: description.label }, query: {} });
      out.push({ ...description, slot });
    }
    return { tokens: out, unreadable };
  }

  /** Exactly one token matching the selector, or HSM_TOKEN_NOT_FOUND / HSM_TOKEN_AMBIGUOUS. */
  async findToken(selector: TokenSelector): Promise<TokenDescription & { slot: Handle }> {
    const wanted = 'uri' in selector ? fromUri(selector.uri) : selector;
    const { tokens, unreadable } = await this.#listTokens();
    const matches = tokens.filter((t) =>
      Object.entries(wanted).every(([key, value]) => value === undefined || t[key as keyof typeof wanted] === value));
    const named = Object.entries(wanted).map(([k, v]) => `${k} ${String(v)}`).join(', ');
    // Not found, but a slot could not be read: that slot's error says more (e.g. device removed).
    if (matches.length === 0 && unreadable.length > 0) throw unreadable[0];
    if (matches.length === 0) throw new KeyriteError('HSM_TOKEN_NOT_FOUND', `No token with ${named} is connected to ${this.path}.`);
    if (matches.length > 1) throw new KeyriteError('HSM_TOKEN_AMBIGUOUS', `${matches.length} tokens match ${named}; name the token by its serial.`);
    return matches[0] as TokenDescription & { slot: Handle };
  }

  /** Opens a session this module owns; `close()` of the module closes it too. */
  async openSession(selector: TokenSelector, options: { readWrite?: boolean } = {}): Promise<HsmSession> {
    if (this.#closed) throw new KeyriteError('HSM_MODULE_CLOSED', `The PKCS#11 module ${this.path} is closed.`);
    const token = await this.findToken(selector);
    const readWrite = options.readWrite ?? true;
    const context = { label: token.label, serial: token.serial };
    const handle = await this.#call('opening a session', () => this.binding.C_OpenSession(token.slot, readWrite), context);
    const session = new HsmSession({
      token: context, readWrite, binding: this.binding, handle, pins: this.pins, timeouts: this.timeouts,
      onClosed: (s) => this.#sessions.delete(s),
    });
    this.#sessions.add(session);
    return session;
  }

  /** Closes every session, finalises and unloads the library. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#sessions]) await session.close();
    try {
      this.#lib.C_Finalize();
    } catch {
      // A module whose device is gone can fail to finalise; nothing is left to release.
    }
    this.#lib.close();
  }

  async #call<T>(doing: string, fn: () => Promise<T>, token?: { label: string; serial: string }): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([fn(), new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new KeyriteError('HSM_TIMEOUT', `The HSM did not answer while ${doing}.`)), this.timeouts.callMs);
      })]);
    } catch (error) {
      throw hsmErrorFrom(error, doing, token);
    } finally {
      clearTimeout(timer);
    }
  }
}

function fromUri(uri: string): { serial?: string; label?: string; manufacturer?: string; model?: string } {
  const parsed = parsePkcs11Uri(uri);
  const out: { serial?: string; label?: string; manufacturer?: string; model?: string } = {};
  if (parsed.path.serial !== undefined) out.serial = parsed.path.serial;
  if (parsed.path.token !== undefined) out.label = parsed.path.token;
  if (parsed.path.manufacturer !== undefined) out.manufacturer = parsed.path.manufacturer;
  if (parsed.path.model !== undefined) out.model = parsed.path.model;
  if (Object.keys(out).length === 0) throw new KeyriteError('HSM_URI_INVALID', 'That PKCS#11 URI names no token (give token=, serial=, manufacturer= or model=).');
  return out;
}

/** Every module loaded for a ceremony, keyed by library path. */
export class HsmRegistry {
  #modules = new Map<string, HsmModule>();

  load(path: string, options: HsmModuleOptions = {}): HsmModule {
    const loaded = this.#modules.get(path);
    if (loaded !== undefined) return loaded;
    const module = HsmModule.load(path, options);
    this.#modules.set(path, module);
    return module;
  }

  get modules(): readonly HsmModule[] {
    return [...this.#modules.values()];
  }

  async unload(path: string): Promise<void> {
    const module = this.#modules.get(path);
    this.#modules.delete(path);
    await module?.close();
  }

  async closeAll(): Promise<void> {
    for (const path of [...this.#modules.keys()]) await this.unload(path);
  }
}
