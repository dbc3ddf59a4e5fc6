// `gatehouse config check`: validates the config file without starting anything.
import { loadConfig } from '../config/load.js';
import type { Command } from './command.js';

export const configCheckCommand: Command = {
  name: 'config check',
  usage: 'config check',
  summary: 'validate the config file (GATEHOUSE_CONFIG) and exit',
  async run(_args, { env, stdout }) {
    const config = loadConfig(env);
    stdout.write(`${config.file}: ok (issuer ${config.issuer}, ${config.clients.length} client(s))\n`);
    return 0;
  },
};
