// `npm run schema`: regenerates config/gatehouse.schema.json from the one config schema.
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_FILE, renderJsonSchema } from './json-schema.js';

writeFileSync(JSON_SCHEMA_FILE, renderJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
