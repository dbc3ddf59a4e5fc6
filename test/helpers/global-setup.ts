// Prints once which MongoDB server the suite runs against, so a green run says what it proved.
// Jest loads global setup outside its module mapper, so this imports the build (`npm test` builds first).
export default async function globalSetup(): Promise<void> {
  const { selectStorageServer } = (await import(
    '../../dist/storage/storage-server.js' as string
  )) as typeof import('../../src/storage/storage-server.js');
  const server = await selectStorageServer({ uri: process.env.MONGODB_URI, production: false });
  process.stdout.write(`\n[gatehouse tests] storage backend: ${server.kind} — ${server.description}\n`);
  await server.stop();
}
