// `gatehouse dev-db` in a production install (npm ci --omit=dev, no wire server package) fails with one clear line.
import { describe, it, expect, jest } from '@jest/globals';

jest.unstable_mockModule('@gatehouse/mongo-wire', () => {
  // What Node throws for a package absent from node_modules (seen in an `npm ci --omit=dev` install).
  throw Object.assign(new Error("Cannot find package '@gatehouse/mongo-wire' imported from /app/dist/cli/dev-db.js"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});
const { devDbCommand } = await import('../../src/cli/dev-db.js');

describe('gatehouse dev-db without development dependencies', () => {
  it('says that development dependencies are not installed', async () => {
    const io = { env: {}, stdin: process.stdin, stdout: process.stdout };
    await expect(devDbCommand.run(['--port', '0'], io)).rejects.toThrow(
      /^development dependencies are not installed \(@gatehouse\/mongo-wire is missing[^\n]*gatehouse dev-db cannot run[^\n]*$/,
    );
  });
});
