/**
 * Refuse to start under a debugger or as a plain Node runtime. A ceremony
 * machine must not be steerable from outside: `--inspect` and
 * `--remote-debugging-port` hand the process (and every secret in it) to
 * whoever connects; `ELECTRON_RUN_AS_NODE` turns the signed binary into a
 * general-purpose Node. The packaged binary's fuses already disable these;
 * this check also covers development builds and fuse-less repackaging.
 * Pure: index.ts passes process.argv and process.env.
 */
export type LaunchVerdict = { allowed: true } | { allowed: false; offending: string; reason: string };

/** Flag prefixes that attach a debugger or change the JS engine. */
const REFUSED_FLAGS: readonly { prefix: string; exact?: true; reason: string }[] = [
  { prefix: '--inspect', reason: 'it opens a Node.js debugger on the main process' },
  { prefix: '--debug', reason: 'it opens a Node.js debugger on the main process' },
  { prefix: '--remote-debugging-port', reason: 'it opens the Chrome DevTools protocol to other programs' },
  { prefix: '--remote-debugging-pipe', exact: true, reason: 'it opens the Chrome DevTools protocol to other programs' },
  { prefix: '--remote-debugging-address', reason: 'it opens the Chrome DevTools protocol to other programs' },
  { prefix: '--js-flags', reason: 'it changes how the JavaScript engine runs' },
];

/** Variables that make Electron behave as plain Node. */
const REFUSED_ENV = ['ELECTRON_RUN_AS_NODE'] as const;

/** NODE_OPTIONS fragments that debug or preload code. */
const REFUSED_NODE_OPTIONS = ['--inspect', '--debug', '--require', '-r', '--import', '--loader', '--experimental-loader'];

/**
 * A switch as Chromium reads it: any of `--`, `-` or (on Windows) `/` before
 * the name, and the name compared without case (Chromium lowercases switch
 * names on Windows: base/command_line.cc). Normalised to `--name[=value]`.
 * A plain argument that merely starts with `/` (a path on POSIX) can only
 * match if it spells a refused switch, so this holds on every platform.
 */
function asSwitch(arg: string): string | null {
  // Switch names are letters, digits and dashes: `/data/inspect.json` is a path, not a switch.
  const match = /^(?:--|-|\/)([A-Za-z0-9][A-Za-z0-9-]*)(=.*)?$/su.exec(arg);
  if (match === null) return null;
  return `--${(match[1] ?? '').toLowerCase()}${match[2] ?? ''}`;
}

/**
 * `tolerated`: exact arguments let through (the e2e project's
 * PLAYWRIGHT_SWITCHES, e2e-capture.ts); empty for every other launch.
 */
export function judgeLaunch(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, tolerated: readonly string[] = []): LaunchVerdict {
  for (const arg of argv) {
    const flag = asSwitch(arg);
    if (flag === null || tolerated.includes(arg)) continue;
    for (const refused of REFUSED_FLAGS) {
      const matches = refused.exact === true ? flag === refused.prefix || flag.startsWith(`${refused.prefix}=`) : flag.startsWith(refused.prefix);
      if (matches) return { allowed: false, offending: arg, reason: `Keyrite refuses to start with ${arg}: ${refused.reason}.` };
    }
  }
  for (const name of REFUSED_ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      return { allowed: false, offending: name, reason: `Keyrite refuses to start with ${name} set: it would run as plain Node.js or report to a debugger.` };
    }
  }
  const nodeOptions = env['NODE_OPTIONS'] ?? '';
  for (const token of nodeOptions.split(/\s+/).filter((part) => part !== '')) {
    if (REFUSED_NODE_OPTIONS.some((refused) => token === refused || token.startsWith(`${refused}=`) || (refused.startsWith('--') && token.startsWith(refused)))) {
      return { allowed: false, offending: `NODE_OPTIONS=${nodeOptions}`, reason: `Keyrite refuses to start with NODE_OPTIONS containing ${token}: it debugs or loads code into the main process.` };
    }
  }
  return { allowed: true };
}

/** Chromium switches that hand the process to a debugger, as `app.commandLine.hasSwitch` names them. */
export const REFUSED_CHROMIUM_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe', 'remote-debugging-address', 'inspect', 'inspect-brk', 'inspect-port', 'js-flags'] as const;

/**
 * The second look, through Chromium's own parser (index.ts passes
 * `app.commandLine.hasSwitch` and `getSwitchValue`): whatever spelling
 * reached it, a switch it recognises is refused, unless `--name=value` is
 * among the `tolerated` arguments.
 */
export function judgeChromiumSwitches(hasSwitch: (name: string) => boolean, tolerated: readonly string[] = [], switchValue: (name: string) => string = () => ''): LaunchVerdict {
  const found = REFUSED_CHROMIUM_SWITCHES.find((name) => hasSwitch(name) && !tolerated.includes(`--${name}=${switchValue(name)}`));
  if (found === undefined) return { allowed: true };
  return { allowed: false, offending: `--${found}`, reason: `Keyrite refuses to start with the Chromium switch --${found}: it opens the process to a debugger.` };
}
