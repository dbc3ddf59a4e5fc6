// Without development dependencies (npm ci --omit=dev) a start that needs an embedded database fails with one clear line.
import { describe, it, expect, jest } from '@jest/globals';

// What Node throws for a package absent from node_modules (seen in an `npm ci --omit=dev` install).
function notInstalled(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/dist/storage/storage-server.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}
const imported: string[] = [];
for (const name of ['mongodb-memory-server', '@gatehouse/mongo-wire']) {
  jest.unstable_mockModule(name, () => {
    imported.push(name);
    throw notInstalled(name);
  });
}
const { selectStorageServer } = await import('../../src/storage/storage-server.js');

describe('selectStorageServer without development dependencies', () => {
  it('uses MONGODB_URI without loading mongodb-memory-server or the wire server', async () => {
    const server = await selectStorageServer({ uri: 'mongodb://db.internal:27017/', production: true });
    expect([server.kind, imported]).toEqual(['mongodb', []]);
  });

  it('with no URI, says that development dependencies are not installed and that MONGODB_URI must be set', async () => {
    await expect(selectStorageServer({ production: false })).rejects.toThrow(
      /^development dependencies are not installed \(mongodb-memory-server is missing[^\n]*set MONGODB_URI[^\n]*$/,
    );
  });
});
