// `gatehouse config check` refuses what the server would refuse, here a key activation_delay relying parties cannot follow.
import { describe, it, expect } from '@jest/globals';
import { writeConfigFile } from '../helpers/harness.js';
import { runProcess } from '../helpers/run-process.js';

describe('gatehouse config check', () => {
  it('refuses keys.activation_delay shorter than keys.reload_interval plus keys.jwks_cache_lifetime, exit 2', async () => {
    const short = await runProcess('dist/cli/index.js', ['config', 'check'], {
      GATEHOUSE_CONFIG: writeConfigFile('keys:\n  activation_delay: 5m\n  reload_interval: 1m\n'),
    });
    expect([short.code, short.stdout]).toEqual([2, '']);
    expect(short.stderr).toMatch(/gatehouse\.yaml:2: keys\.activation_delay: 5m is shorter than keys\.reload_interval \(1m\) plus /);
    expect(short.stderr).toMatch(/ plus keys\.jwks_cache_lifetime \(10m\): .*\(expected at least 11m\)\n$/);
    const enough = await runProcess('dist/cli/index.js', ['config', 'check'], {
      GATEHOUSE_CONFIG: writeConfigFile('keys:\n  activation_delay: 11m\n  reload_interval: 1m\n'),
    });
    expect([enough.code, enough.stderr]).toEqual([0, '']);
  });
});
