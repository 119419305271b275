import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureScript } from '../../../shared/ceremony/script-fixture.ts';
import { ScriptInvalidError, type ScriptProblem } from '../../../shared/ceremony/script-problems.ts';
import { loadScriptFile, MAX_SCRIPT_BYTES, parseScriptText } from './read-script.ts';

function problemsOf(text: string): ScriptProblem[] {
  try {
    parseScriptText(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ScriptInvalidError) return [...error.problems];
    throw error;
  }
  throw new Error('the script was accepted');
}

/** Line (1-based) and column of the first occurrence of `needle` on the line containing `lineMarker`. */
function where(text: string, lineMarker: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(lineMarker));
  return { line: index + 1, column: (lines[index] ?? '').indexOf(needle) + 1 };
}

const yamlScript = `keyrite: ceremony-script
metadata:
  formatVersion: 1
  id: located
  title: Located errors
  organisation: Tests
  mode: rehearsal
  airGap: warn
roles:
  administrator: { min: 1, max: 1 }
  custodian: { min: 0, max: 2 }
  witness: { min: 2, max: 2 }
exceptionQuorum: { witnesses: 2 }
hsms:
  - id: primary
    token: { serial: "1", label: t }
keys: []
sharePolicies: []
steps:
  - id: enrol
    action: participants.enrol
    params: {}
    title: Enrol
    instruction: Enrol.
    signOff:
      - roles: [witness]
        count: 3
    onException: abort
  - id: login
    action: hsm.login
    params: { hsm: primray }
    title: Log in
    instruction: Log in.
    onException: abort
  - id: close
    action: ceremony.close
    params: {}
    title: Close
    instruction: Close.
    onExcepton: abort
`;

describe('parseScriptText (YAML and JSON with locations)', () => {
  it('locates every error at line:column with its path', () => {
    const problems = problemsOf(yamlScript);
    const summary = problems.map((p) => `${p.line}:${p.column} ${p.path}`);
    const count = where(yamlScript, 'count: 3', '3');
    const hsm = where(yamlScript, 'hsm: primray', 'primray');
    const typo = where(yamlScript, 'onExcepton', 'abort');
    const closeStep = where(yamlScript, '- id: close', 'id');
    expect(summary).toEqual([
      `${count.line}:${count.column} steps[0].signOff[0].count`,
      `${hsm.line}:${hsm.column} steps[1].params.hsm`,
      `${closeStep.line}:${closeStep.column} steps[2].onException`,
      `${typo.line}:${typo.column} steps[2].onExcepton`,
    ].sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0])));
    expect(problems.find((p) => p.path === 'steps[0].signOff[0].count')?.message).toMatch(/3 distinct people in role witness/);
  });

  it('reads JSON with the same parser: same hash as the YAML form, and located errors', () => {
    const script = fixtureScript();
    const json = JSON.stringify(script, null, 2);
    const yaml = parseScriptText(json.replace(/"keyrite"/, '"keyrite"'));
    expect(parseScriptText(JSON.stringify(script)).scriptSha256).toBe(yaml.scriptSha256);
    const bad = json.replace('"threshold": 2', '"threshold": 5');
    const problem = problemsOf(bad).find((p) => p.path === 'sharePolicies[0].threshold');
    expect(problem).toMatchObject(where(bad, '"threshold": 5', '5'));
  });

  it('refuses YAML syntax errors, duplicate keys and non-core tags with their line', () => {
    expect(problemsOf('keyrite: ceremony-script\nkeyrite: again\n')[0]).toMatchObject({ line: 2, message: expect.stringMatching(/unique/) });
    expect(problemsOf('a: [1, 2\nb: 3\n')[0]?.line).toBeGreaterThanOrEqual(1);
    expect(problemsOf('a: !!binary aGVsbG8=\n').length).toBeGreaterThan(0);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    expect(() => parseScriptText(lines.join('\n'))).toThrow(ScriptInvalidError);
  });

  it('refuses text over the size cap before parsing it', () => {
    expect(() => parseScriptText(' '.repeat(MAX_SCRIPT_BYTES + 1))).toThrow(/at most/);
  });

  it('loads a file with a byte-order mark and refuses one that is not UTF-8', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyrite-script-'));
    const good = join(dir, 'good.json');
    await writeFile(good, `\uFEFF${JSON.stringify(fixtureScript())}`);
    expect((await loadScriptFile(good)).script.metadata.id).toBe('fixture-ceremony');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, Uint8Array.from([0x6b, 0x3a, 0x20, 0xff, 0xfe]));
    await expect(loadScriptFile(bad)).rejects.toThrow(/not UTF-8/);
  });
});
