/**
 * Reading a ceremony script from YAML or JSON text (JSON is read by the
 * same YAML 1.2 parser, so both get line:column for every error), then
 * validating it with shared/ceremony/parse-script.ts.
 *
 * The parser runs with the YAML 1.2 core schema (no `yes`/`no` booleans,
 * no timestamps, no custom tags), duplicate keys refused, and a cap on
 * alias expansion so a small file cannot expand into a huge value.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { KeyriteError } from '../../../shared/result.ts';
import { validateScript, type ParsedScript } from '../../../shared/ceremony/parse-script.ts';
import { problemAt, ScriptInvalidError, type Locator, type PathSegment, type ScriptProblem } from '../../../shared/ceremony/script-problems.ts';

/** A script is a page or two of text; anything bigger is refused before parsing. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

/** Parses YAML or JSON text and validates it; throws ScriptInvalidError with every problem located. */
export function parseScriptText(text: string, source?: string): ParsedScript {
  if (text.length > MAX_SCRIPT_BYTES) throw new KeyriteError('CEREMONY_SCRIPT_TOO_LARGE', `A ceremony script is at most ${MAX_SCRIPT_BYTES} bytes.`);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false, lineCounter, strict: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax: ScriptProblem[] = [...doc.errors, ...doc.warnings].map((e) => ({ path: '', segments: [], message: e.message.split('\n')[0] ?? e.code, ...position(e.pos[0]) }));
  if (syntax.length > 0) throw new ScriptInvalidError(syntax, source);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (cause) {
    throw new ScriptInvalidError([{ path: '', segments: [], message: cause instanceof Error ? cause.message : 'unreadable document' }], source);
  }
  return validateScript(value, { locate: locatorFor(doc, position), ...(source === undefined ? {} : { source }) });
}

/** Reads a script file (YAML or JSON, UTF-8) and validates it. */
export async function loadScriptFile(path: string): Promise<ParsedScript> {
  const info = await stat(path);
  if (!info.isFile()) throw new KeyriteError('CEREMONY_SCRIPT_UNREADABLE', `${basename(path)} is not a file.`);
  if (info.size > MAX_SCRIPT_BYTES) throw new KeyriteError('CEREMONY_SCRIPT_TOO_LARGE', `A ceremony script is at most ${MAX_SCRIPT_BYTES} bytes.`);
  const bytes = await readFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ScriptInvalidError([problemAt([], 'the file is not UTF-8 text')], basename(path));
  }
  return parseScriptText(text.replace(/^\uFEFF/, ''), basename(path));
}

/**
 * Maps a path to the deepest node the document has on it: the value itself
 * when it exists, else its nearest ancestor (a missing field is reported
 * where its object starts).
 */
export function locatorFor(doc: Document, position: (offset: number) => { line: number; column: number }): Locator {
  return (path: readonly PathSegment[]) => {
    let node: Node | null | undefined = doc.contents as Node | null;
    let found = node;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
        node = pair?.value as Node | null | undefined;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment] as Node | null | undefined;
      } else {
        node = undefined;
      }
      if (node === undefined || node === null) break;
      found = node;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : position(offset);
  };
}
