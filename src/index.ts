// The package's public surface for integrators: the hook module types (the server itself runs from dist/main.js).
export type { HookModule, HookAccount, HookClient, HookToken, TtlKind } from './hooks/types.js';
