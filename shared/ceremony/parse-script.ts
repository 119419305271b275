/**
 * Validating a ceremony script: the schema first, then the cross-references
 * (only once the shape is right, since they read typed fields), every
 * problem collected with its path and, given a locator, its line:column.
 *
 * This takes the already-parsed value: reading YAML or JSON text, and the
 * locator that maps a path back to the text, are in
 * electron/core/ceremony/read-script.ts, because shared/ may not import
 * the `yaml` package.
 */
import type { z } from 'zod';
import { crossReferenceProblems, sectionsOf, type CheckedSections } from './cross-references.ts';
import { scriptSha256 } from './script-hash.ts';
import { problemAt, ScriptInvalidError, sortProblems, type Locator, type PathSegment, type ScriptProblem } from './script-problems.ts';
import { CeremonyScript, HsmTarget, KeySpec, Metadata, Roles, SharePolicy, Step } from './script-schema.ts';

export interface ParsedScript {
  script: CeremonyScript;
  /** Lower-case hex; see script-hash.ts. The first transcript event carries it. */
  scriptSha256: string;
}

export interface ValidateOptions {
  locate?: Locator;
  /** Names the script in the error message, e.g. its file name. */
  source?: string;
}

/** Throws ScriptInvalidError (code CEREMONY_SCRIPT_INVALID) listing every problem. */
export function validateScript(value: unknown, options: ValidateOptions = {}): ParsedScript {
  const problems = scriptProblems(value, options.locate);
  if (problems.length > 0) throw new ScriptInvalidError(problems, options.source);
  const script = value as CeremonyScript;
  return { script, scriptSha256: scriptSha256(script) };
}

/** Every problem with the value as a ceremony script; empty when it is valid. */
export function scriptProblems(value: unknown, locate?: Locator): ScriptProblem[] {
  const parsed = CeremonyScript.safeParse(value);
  if (parsed.success) return sortProblems(crossReferenceProblems(sectionsOf(parsed.data as CeremonyScript), locate));
  // Shape errors first, then the cross-references among the parts that have the right shape.
  const shape = parsed.error.issues.flatMap((issue) => fromIssue(issue, [], locate));
  if (!isRecord(value)) return shape;
  const seen = new Set(shape.map((p) => p.path));
  const references = crossReferenceProblems(lenientSections(value), locate).filter((p) => !seen.has(p.path));
  return sortProblems([...shape, ...references]);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (values: unknown[]): Set<string> => new Set(values.filter((v): v is string => typeof v === 'string'));

/** Each section and list item parsed on its own, so one broken part does not hide the other parts' cross-reference errors. */
function lenientSections(value: unknown): CheckedSections {
  const each = <T>(items: unknown, schema: z.ZodType<T>): (T | undefined)[] => list(items).map((item) => schema.safeParse(item).data);
  const steps = list(field(value, 'steps'));
  return {
    metadata: Metadata.safeParse(field(value, 'metadata')).data,
    roles: Roles.safeParse(field(value, 'roles')).data,
    exceptionQuorum: CeremonyScript.shape.exceptionQuorum.safeParse(field(value, 'exceptionQuorum')).data,
    hsms: each(field(value, 'hsms'), HsmTarget),
    keys: each(field(value, 'keys'), KeySpec),
    sharePolicies: each(field(value, 'sharePolicies'), SharePolicy),
    steps: each(steps, Step) as (Step | undefined)[],
    written: {
      hsmIds: strings(list(field(value, 'hsms')).map((h) => field(h, 'id'))),
      keyNames: strings(list(field(value, 'keys')).map((k) => field(k, 'name'))),
      policyIds: strings(list(field(value, 'sharePolicies')).map((p) => field(p, 'id'))),
      stepIds: steps.map((s) => text(field(s, 'id'))),
      actions: steps.map((s) => text(field(s, 'action'))),
    },
  };
}

type Issue = z.core.$ZodIssue;

function fromIssue(issue: Issue, prefix: readonly PathSegment[], locate?: Locator): ScriptProblem[] {
  const path = [...prefix, ...issue.path.filter((s): s is PathSegment => typeof s !== 'symbol')];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => problemAt([...path, key], 'is not a field of format v1 (a misspelling?)', locate));
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the alternative that came closest: the one with the fewest problems.
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return closest.flatMap((inner) => fromIssue(inner, path, locate));
  }
  return [problemAt(path, issue.message, locate)];
}
