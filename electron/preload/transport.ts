/**
 * The preload's transport over ipcRenderer: `invoke` on the one channel of
 * each command, and one subscription to the event channel whose
 * unsubscribe removes exactly the handler it added (not a fresh closure, the
 * mistake STYLE.md cites from Bitwarden's preload). The renderer receives
 * the event payload only, never Electron's IpcRendererEvent (its `sender`
 * is ipcRenderer itself). Structural types, so tests use a fake.
 */
import type { ApiTransport } from '../../shared/api.ts';
import { EVENT_CHANNEL, commandChannel, type KeyriteEvent } from '../../shared/contract.ts';

type EventHandler = (event: unknown, message: KeyriteEvent) => void;

export interface IpcRendererLike {
  invoke(channel: string, request: unknown): Promise<unknown>;
  on(channel: string, listener: EventHandler): unknown;
  removeListener(channel: string, listener: EventHandler): unknown;
}

export function createIpcTransport(ipc: IpcRendererLike): ApiTransport {
  return {
    invoke: (name, request) => ipc.invoke(commandChannel(name), request),
    subscribe(listener) {
      const handler: EventHandler = (_event, message) => listener(message);
      ipc.on(EVENT_CHANNEL, handler);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(EVENT_CHANNEL, handler);
      };
    },
  };
}
