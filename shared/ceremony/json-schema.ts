/**
 * The JSON Schema of format v1, generated from the zod schemas
 * (script-schema.ts) and committed as docs/formats/ceremony-script.schema.json
 * for editors and other tools. json-schema.test.ts fails when the committed
 * file is stale; `KEYRITE_WRITE_SCHEMA=1 npx vitest run shared/ceremony/json-schema.test.ts`
 * rewrites it.
 *
 * It checks the shape only: the cross-references (cross-references.ts) are
 * beyond what a JSON Schema can say.
 */
import { z } from 'zod';
import { CeremonyScript } from './script-schema.ts';

export function ceremonyScriptJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CeremonyScript, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
}

/** The committed file's exact text: two-space indentation and a final newline. */
export const ceremonyScriptJsonSchemaText = (): string => `${JSON.stringify(ceremonyScriptJsonSchema(), null, 2)}\n`;
