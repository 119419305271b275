import { describe, expect, it } from 'vitest';
import { judgeChromiumSwitches, judgeLaunch } from './launch-guard.ts';

const electron = '/opt/Keyrite/keyrite';

describe('launch guard', () => {
  it('lets an ordinary launch through', () => {
    expect(judgeLaunch([electron], {})).toEqual({ allowed: true });
    expect(judgeLaunch([electron, '.', '--lang=en-GB'], { NODE_OPTIONS: '--max-old-space-size=4096', HOME: '/root' })).toEqual({ allowed: true });
  });

  it.each([
    '--inspect',
    '--inspect=9229',
    '--inspect=0.0.0.0:9229',
    '--inspect-brk',
    '--inspect-brk=9229',
    '--inspect-port=9229',
    '--inspect-wait',
    '--debug',
    '--debug-brk',
    '--remote-debugging-port=9222',
    '--remote-debugging-port',
    '-remote-debugging-port=9222',
    '--remote-debugging-pipe',
    '--remote-debugging-address=0.0.0.0',
    '--js-flags=--allow-natives-syntax',
    '--js-flags',
  ])('refuses %s and names it', (flag) => {
    const verdict = judgeLaunch([electron, '.', flag], {});
    expect(verdict).toMatchObject({ allowed: false, offending: flag });
    if (!verdict.allowed) expect(verdict.reason).toContain(flag);
  });

  it('refuses ELECTRON_RUN_AS_NODE with any non-empty value', () => {
    for (const value of ['1', 'true', '0']) {
      expect(judgeLaunch([electron], { ELECTRON_RUN_AS_NODE: value })).toMatchObject({ allowed: false, offending: 'ELECTRON_RUN_AS_NODE' });
    }
  });

  it.each([
    '--inspect',
    '--inspect-brk=9229',
    '--max-old-space-size=64 --require /tmp/evil.js',
    '-r /tmp/evil.js',
    '--require=/tmp/evil.js',
    '--import=/tmp/evil.mjs',
    '--experimental-loader /tmp/evil.mjs',
  ])('refuses NODE_OPTIONS="%s"', (options) => {
    expect(judgeLaunch([electron], { NODE_OPTIONS: options })).toMatchObject({ allowed: false, offending: `NODE_OPTIONS=${options}` });
  });

  it('does not mistake look-alike arguments for debugger flags', () => {
    expect(judgeLaunch([electron, '/data/inspect-report.json', '/inspect/notes.txt', 'remote-debugging-port'], {})).toEqual({ allowed: true });
  });

  // Chromium on Windows lowercases switch names and accepts `/` as a prefix
  // (base/command_line.cc); fuses do not cover remote debugging.
  it.each(['--REMOTE-DEBUGGING-PORT=9222', '/remote-debugging-port=9222', '-Remote-Debugging-Port=9222', '--Inspect=9229', '/js-flags=--expose-gc', '/Remote-Debugging-Pipe'])(
    'refuses the Windows spelling %s',
    (flag) => {
      expect(judgeLaunch([electron, flag], {})).toMatchObject({ allowed: false, offending: flag });
    },
  );

  it('refuses what Chromium itself parsed as a debugging switch, whatever its spelling', () => {
    expect(judgeChromiumSwitches(() => false)).toEqual({ allowed: true });
    expect(judgeChromiumSwitches((name) => name === 'remote-debugging-port')).toMatchObject({ allowed: false, offending: '--remote-debugging-port' });
    expect(judgeChromiumSwitches((name) => name === 'inspect-brk')).toMatchObject({ allowed: false, offending: '--inspect-brk' });
  });
});
