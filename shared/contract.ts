/**
 * The contract: every command that crosses the trust boundary, and every
 * event that crosses it back. Names are `domain/verb`. The main process
 * parses each request with its schema before any handler runs and each
 * response before it leaves; the preload exposes exactly one function per
 * command. Nothing here may describe a secret travelling to the renderer:
 * secrets travel renderer → main only, inside request fields typed
 * `SecretInput` (added with the first command that needs one).
 */
import { z } from 'zod';
import { HsmModuleInfo, TokenSummary } from './domain/hsm.ts';
import { auditorCommands, auditorEvents } from './contract/auditor.ts';
import { ceremonyCommands, ceremonyEvents } from './contract/ceremony.ts';
import { NoArguments } from './contract/common.ts';
import { devicesCommands, devicesEvents } from './contract/devices.ts';

export const AppDescription = z
  .object({
    name: z.literal('Keyrite'),
    version: z.string().max(32),
    /** Which host runs the engine: the Electron main process or a test bridge. */
    host: z.enum(['electron', 'test-bridge', 'cli']),
    /** True whenever the rehearsal SoftHSM token is in use. */
    rehearsal: z.boolean(),
  })
  .strict();
export type AppDescription = z.infer<typeof AppDescription>;

export const TokenList = z
  .object({
    module: HsmModuleInfo,
    tokens: z.array(TokenSummary).max(256),
  })
  .strict();
export type TokenList = z.infer<typeof TokenList>;

export const commands = {
  'app/describe': { request: NoArguments, response: AppDescription },
  'hsm/listTokens': { request: NoArguments, response: TokenList },
  ...devicesCommands,
  ...auditorCommands,
  ...ceremonyCommands,
} as const;

/** One recorded step of what happened, as the live timeline shows it. */
export const AuditEvent = z
  .object({
    seq: z.number().int().nonnegative(),
    at: z.iso.datetime(),
    type: z.string().max(64),
    summary: z.string().max(512),
  })
  .strict();
export type AuditEvent = z.infer<typeof AuditEvent>;

/** Something the boundary refused: a request, a navigation, a permission. */
export const BoundaryRefusal = z
  .object({
    kind: z.enum(['network', 'navigation', 'window-open', 'permission', 'webview', 'ipc']),
    target: z.string().max(2048),
    reason: z.string().max(512),
  })
  .strict();
export type BoundaryRefusal = z.infer<typeof BoundaryRefusal>;

export const events = {
  'audit/recorded': AuditEvent,
  'boundary/refused': BoundaryRefusal,
  ...devicesEvents,
  ...auditorEvents,
  ...ceremonyEvents,
} as const;

// ---- Types derived from the schemas -------------------------------------

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type RequestOf<N extends CommandName> = z.input<Commands[N]['request']>;
export type ResponseOf<N extends CommandName> = z.output<Commands[N]['response']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventOf<N extends EventName> = z.output<Events[N]>;
export type KeyriteEvent = { [N in EventName]: { name: N; payload: EventOf<N> } }[EventName];

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

/** The IPC channel for a command; one channel per command, never a generic one. */
export const commandChannel = (name: CommandName): string => `keyrite:${name}`;
export const EVENT_CHANNEL = 'keyrite:event';

/** Requests larger than this are refused before they are parsed. */
export const MAX_REQUEST_BYTES = 64 * 1024;
