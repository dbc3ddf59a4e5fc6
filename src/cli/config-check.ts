// `gatehouse config check`: validates the config file without starting anything.
import { loadConfig } from '../config/load.js';
import { CliError, type Command } from './command.js';
import { productionProblems, refusal } from '../security/production-checks.js';
import { overrideWarnings } from '../views/overrides.js';

export const configCheckCommand: Command = {
  name: 'config check',
  usage: 'config check',
  summary: 'validate the config file (GATEHOUSE_CONFIG), and production safety with NODE_ENV=production',
  async run(_args, { env, stdout }) {
    const config = loadConfig(env);
    if (config.production) {
      const problems = productionProblems(config);
      if (problems.length) throw new CliError(problems.map(refusal).join('\n'), 2);
    }
    // Template overrides that lack a block of the built-in template still work, so they warn rather than fail.
    for (const warning of overrideWarnings(config.pages.views_dir)) stdout.write(`warning: ${warning}\n`);
    stdout.write(`${config.file}: ok (issuer ${config.issuer}, ${config.clients.length} client(s))\n`);
    return 0;
  },
};
