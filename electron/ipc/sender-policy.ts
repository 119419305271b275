/**
 * Who may call the engine. Electron's security checklist (#17, "Validate
 * the sender of all IPC messages") and Fiddle/VS Code do this first in every
 * handler: the message must come from a window we created, from its top
 * frame, showing our own origin. Pure, so the test-only bridge applies the
 * very same rule.
 */
export interface SenderInfo {
  /** Id of the WebContents that sent the message, or null if unknown. */
  webContentsId: number | null;
  /** True only for the top-level frame of that WebContents. */
  isTopFrame: boolean;
  /** URL of the sending frame. */
  frameUrl: string;
}

export interface SenderPolicy {
  /** WebContents ids of windows we created. */
  readonly trustedWebContents: ReadonlySet<number>;
  /** The one origin our renderer is served from, e.g. `app://keyrite`. */
  readonly origin: string;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

export function judgeSender(sender: SenderInfo, policy: SenderPolicy): SenderVerdict {
  if (sender.webContentsId === null || !policy.trustedWebContents.has(sender.webContentsId)) {
    return { trusted: false, reason: 'the message did not come from a window Keyrite created' };
  }
  if (!sender.isTopFrame) {
    return { trusted: false, reason: 'the message came from a subframe, not the top frame' };
  }
  const origin = originOf(sender.frameUrl);
  if (origin === null || origin !== policy.origin) {
    return { trusted: false, reason: `the message came from origin ${origin ?? '(none)'}, not ${policy.origin}` };
  }
  return { trusted: true };
}

/**
 * The origin of a URL, also for custom schemes: WHATWG URL gives `null`
 * as the origin of non-special schemes such as `app:`, so it is rebuilt
 * from protocol and host.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host}`;
}
