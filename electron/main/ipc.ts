/**
 * The IPC wiring between Electron and the router: one `ipcMain.handle` per
 * contract command (never a generic channel), the sender described from
 * Electron's event for the router's sender check, and engine events
 * forwarded to our windows only after checkOutgoingEvent (schema + no
 * secret). Structural types instead of Electron's, so the wiring is tested
 * with fakes; index.ts passes the real `ipcMain`.
 */
import { EVENT_CHANNEL, commandChannel, commandNames, type KeyriteEvent } from '../../shared/contract.ts';
import { checkOutgoingEvent } from '../ipc/outgoing-event.ts';
import type { Router } from '../ipc/router.ts';
import type { SenderInfo } from '../ipc/sender-policy.ts';

/** The parts of Electron's IpcMainInvokeEvent the sender check needs. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { parent: unknown; url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Who sent an invoke: the router trusts only our window's top frame on our origin. */
export function senderInfoOf(event: InvokeEventLike): SenderInfo {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    // A destroyed or navigated-away frame is null: treat it as not the top frame.
    isTopFrame: frame !== null && frame.parent === null,
    frameUrl: frame?.url ?? '',
  };
}

/**
 * Registers one handler per command; returns the function that removes them
 * all. `onAnswer` (the e2e record, e2e-capture.ts) sees each answer as it
 * goes back to the renderer.
 */
export function registerCommandHandlers(ipcMain: IpcMainLike, router: Router, onAnswer?: (answer: unknown) => void): () => void {
  for (const name of commandNames) {
    ipcMain.handle(commandChannel(name), async (event, payload) => {
      const answer = await router.route(senderInfoOf(event), name, payload);
      onAnswer?.(answer);
      return answer;
    });
  }
  return () => {
    for (const name of commandNames) ipcMain.removeHandler(commandChannel(name));
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: KeyriteEvent): void;
}

/**
 * Sends each engine event to every live window we created, after the
 * outgoing check; an event that fails it is dropped and `onDropped` told.
 * `onSent` (the e2e record) sees each event as it is sent to a window.
 */
export function createEventForwarder(targets: () => Iterable<EventTarget>, onDropped: (event: KeyriteEvent, error: unknown) => void, onSent?: (event: KeyriteEvent) => void): (event: KeyriteEvent) => void {
  return (event) => {
    let checked: KeyriteEvent;
    try {
      checked = checkOutgoingEvent(event);
    } catch (error) {
      onDropped(event, error);
      return;
    }
    for (const target of targets()) {
      if (target.isDestroyed()) continue;
      target.send(EVENT_CHANNEL, checked);
      onSent?.(checked);
    }
  };
}
