// Jest runs the TypeScript sources as ESM through ts-jest; typechecking is a separate `tsc` step.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages/mongo-wire/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The wire server package runs from its TypeScript source under jest, so tests never need its dist/ built.
    '^@gatehouse/mongo-wire$': '<rootDir>/packages/mongo-wire/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testTimeout: 30000,
};
