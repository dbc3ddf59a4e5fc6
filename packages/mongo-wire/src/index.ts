// The package's public surface: the server, its options, the store a restarted server can reuse, the data-folder lock error.
export { WireServer, type WireServerOptions } from './server.js';
export { WireStore } from './store.js';
export { DataDirLockedError } from './lock-file.js';
