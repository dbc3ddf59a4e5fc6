// The package's public surface: the server, its options, and the store a restarted server can reuse.
export { WireServer, type WireServerOptions } from './server.js';
export { WireStore } from './store.js';
