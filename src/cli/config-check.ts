// `gatehouse config check`: validates the config file without starting anything.
import { loadConfig } from '../config/load.js';
import { explainResources } from '../tokens/explain-resources.js';
import { CliError, defineCommand } from './command.js';
import { productionProblems, refusal } from '../security/production-checks.js';
import { overrideWarnings } from '../views/overrides.js';

export const configCheckCommand = defineCommand({
  name: 'config check',
  summary: 'validate the config file, and production safety with NODE_ENV=production',
  description: [
    'Reads GATEHOUSE_CONFIG (default config/gatehouse.yaml) as the server does, lists every problem as file:line: key: message ' +
      'and exits 2; nothing is started.',
  ],
  async run(_parsed, { env, stdout }) {
    const config = loadConfig(env);
    if (config.production) {
      const problems = productionProblems(config);
      if (problems.length) throw new CliError(problems.map(refusal).join('\n'), 2);
    }
    // Template overrides that lack a block of the built-in template still work, so they warn rather than fail.
    for (const warning of overrideWarnings(config.pages.views_dir)) stdout.write(`warning: ${warning}\n`);
    stdout.write(`${config.file}: ok (issuer ${config.issuer}, ${config.clients.length} client(s))\n`);
    for (const note of explainResources(config)) stdout.write(`note: ${note}\n`);
    return 0;
  },
});
