/**
 * What is wrong with a script, where: every problem carries the path of the
 * value (`steps[3].signOff[0].count`) and, when the text it came from is
 * known, its line and column (1-based), so a reviewer can fix all of them
 * in one pass.
 */
import { KeyriteError } from '../result.ts';

export type PathSegment = string | number;

export interface SourceLocation {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Maps a path in the parsed value to where it is written; undefined when unknown. */
export type Locator = (path: readonly PathSegment[]) => SourceLocation | undefined;

export interface ScriptProblem {
  /** `steps[3].signOff[0].count`; empty for the document itself. */
  path: string;
  segments: readonly PathSegment[];
  message: string;
  line?: number;
  column?: number;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function problemAt(segments: readonly PathSegment[], message: string, locate?: Locator): ScriptProblem {
  const where = locate?.(segments);
  return { path: formatPath(segments), segments, message, ...(where === undefined ? {} : { line: where.line, column: where.column }) };
}

/** `41:9 steps[3].signOff[0].count: must be at most 2` */
export function describeProblem(problem: ScriptProblem): string {
  const at = problem.line === undefined ? '' : `${problem.line}:${problem.column ?? 1} `;
  return `${at}${problem.path === '' ? '(document)' : problem.path}: ${problem.message}`;
}

/** A script refused: `problems` lists every error found, in document order. */
export class ScriptInvalidError extends KeyriteError {
  readonly problems: readonly ScriptProblem[];
  constructor(problems: readonly ScriptProblem[], source?: string) {
    const shown = problems.slice(0, 20).map(describeProblem).join('\n');
    const more = problems.length > 20 ? `\n(and ${problems.length - 20} more)` : '';
    super('CEREMONY_SCRIPT_INVALID', `The ceremony script${source === undefined ? '' : ` ${source}`} has ${problems.length} error${problems.length === 1 ? '' : 's'}:\n${shown}${more}`);
    this.problems = problems;
  }
}

/** Orders problems by position in the file (unknown positions last, then by path). */
export function sortProblems(problems: ScriptProblem[]): ScriptProblem[] {
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0) || a.path.localeCompare(b.path));
}
