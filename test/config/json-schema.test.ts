// The committed JSON Schema must match the config schema, or editors complete stale keys.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from '@jest/globals';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../../src/config/json-schema.js';

describe('config/gatehouse.schema.json', () => {
  it('is up to date (regenerate with `npm run schema`)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
  });

  it('describes every top-level key and rejects unknown ones', () => {
    const schema = JSON.parse(renderJsonSchema()) as {
      additionalProperties: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const [key, value] of Object.entries(schema.properties)) expect([key, typeof value.description]).toEqual([key, 'string']);
  });
});
