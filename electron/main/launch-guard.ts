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

export function judgeLaunch(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LaunchVerdict {
  for (const arg of argv) {
    // Chromium also accepts a single leading dash.
    const flag = arg.startsWith('-') && !arg.startsWith('--') ? `-${arg}` : arg;
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
