import { describe, expect, it } from 'vitest';
import { PLAYWRIGHT_SWITCHES } from './e2e-capture.ts';
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

  describe("the e2e project's launch (Playwright's two switches tolerated, nothing else)", () => {
    const playwright = [electron, '--no-sandbox', ...PLAYWRIGHT_SWITCHES, '/repo'];

    it('lets exactly Playwright\'s arguments through when told to, and refuses them otherwise', () => {
      expect(judgeLaunch(playwright, {}, PLAYWRIGHT_SWITCHES)).toEqual({ allowed: true });
      expect(judgeLaunch(playwright, {})).toMatchObject({ allowed: false, offending: '--inspect=0' });
    });

    it.each(['--inspect=9229', '--inspect=0.0.0.0:0', '--inspect-brk=0', '--remote-debugging-port=9222', '--remote-debugging-address=0.0.0.0', '--js-flags=--allow-natives-syntax', '--INSPECT=0'])('still refuses %s beside them', (flag) => {
      expect(judgeLaunch([...playwright, flag], {}, PLAYWRIGHT_SWITCHES)).toMatchObject({ allowed: false, offending: flag });
    });

    it('still refuses ELECTRON_RUN_AS_NODE and a NODE_OPTIONS debugger', () => {
      expect(judgeLaunch(playwright, { ELECTRON_RUN_AS_NODE: '1' }, PLAYWRIGHT_SWITCHES)).toMatchObject({ allowed: false, offending: 'ELECTRON_RUN_AS_NODE' });
      expect(judgeLaunch(playwright, { NODE_OPTIONS: '--inspect' }, PLAYWRIGHT_SWITCHES)).toMatchObject({ allowed: false });
    });

    it("Chromium's parse: the tolerated switch with its tolerated value only", () => {
      const switches: Record<string, string> = { inspect: '0', 'remote-debugging-port': '0' };
      const has = (name: string) => name in switches;
      const value = (name: string) => switches[name] ?? '';
      expect(judgeChromiumSwitches(has, PLAYWRIGHT_SWITCHES, value)).toEqual({ allowed: true });
      expect(judgeChromiumSwitches(has)).toMatchObject({ allowed: false, offending: '--remote-debugging-port' });
      switches['remote-debugging-port'] = '9222';
      expect(judgeChromiumSwitches(has, PLAYWRIGHT_SWITCHES, value)).toMatchObject({ allowed: false, offending: '--remote-debugging-port' });
      switches['remote-debugging-port'] = '0';
      switches['inspect-brk'] = '';
      expect(judgeChromiumSwitches(has, PLAYWRIGHT_SWITCHES, value)).toMatchObject({ allowed: false, offending: '--inspect-brk' });
    });
  });
});
