import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ceremonyScriptJsonSchema, ceremonyScriptJsonSchemaText } from '../../../shared/ceremony/json-schema.ts';
import { ACTION_NAMES } from '../../../shared/ceremony/actions.ts';

const committed = new URL('../../../docs/formats/ceremony-script.schema.json', import.meta.url);

describe('docs/formats/ceremony-script.schema.json', () => {
  it('is what the zod schemas generate (KEYRITE_WRITE_SCHEMA=1 rewrites it)', () => {
    const text = ceremonyScriptJsonSchemaText();
    if (process.env.KEYRITE_WRITE_SCHEMA === '1') writeFileSync(committed, text);
    expect(readFileSync(committed, 'utf8')).toBe(text);
  });

  it('has one step variant per action, each refusing unknown fields', () => {
    const schema = ceremonyScriptJsonSchema() as { properties: { steps: { items: { oneOf: { properties: { action: { const: string } }; additionalProperties: boolean }[] } } } };
    const variants = schema.properties.steps.items.oneOf;
    expect(variants.map((v) => v.properties.action.const).sort()).toEqual([...ACTION_NAMES].sort());
    expect(variants.every((v) => v.additionalProperties === false)).toBe(true);
  });
});
