// Renders the config schema as JSON Schema for editor completion of config/gatehouse.yaml.
import { z } from 'zod';
import { configSchema } from './schema.js';

export const JSON_SCHEMA_FILE = 'config/gatehouse.schema.json';

export function renderJsonSchema(): string {
  // "input" describes what an admin writes (duration strings), not what the loader turns them into.
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Gatehouse configuration' }, null, 2)}\n`;
}
