// One client socket: frames requests, runs each command synchronously, writes the reply; bad frames close it.
import type { Socket } from 'node:net';
import { debuglog } from 'node:util';
import type { Document } from 'mongodb';
import { runCommand, type CommandContext } from './commands/index.js';
import { helloReply } from './commands/admin.js';
import { WireError, ProtocolError } from './errors.js';
import { MessageFramer, OP_QUERY, buildOpMsg, buildOpReply, parseMessage, type WireRequest } from './protocol.js';

const debug = debuglog('mongo-wire');

const LEGACY_HANDSHAKE = new Set(['hello', 'ismaster', 'isMaster']);

let nextResponseId = 1;

export type ConnectionContext = Omit<CommandContext, 'db' | 'connectionId'>;

export function serveConnection(socket: Socket, connectionId: number, shared: ConnectionContext): void {
  const framer = new MessageFramer(shared.settings.maxMessageBytes);
  socket.setNoDelay(true);

  socket.on('data', (chunk: Buffer) => {
    try {
      for (const message of framer.push(chunk)) {
        if (socket.destroyed) return;
        const reply = respond(parseMessage(message), connectionId, shared);
        if (reply) socket.write(reply);
      }
    } catch (err) {
      // A peer that breaks framing cannot be resynchronised; drop it and keep serving everyone else.
      debug('closing connection %d: %s', connectionId, err instanceof ProtocolError ? err.message : String(err));
      socket.destroy();
    }
  });
  socket.on('error', (err) => debug('connection %d error: %s', connectionId, err.message));
}

function respond(request: WireRequest, connectionId: number, shared: ConnectionContext): Buffer | undefined {
  const ctx: CommandContext = { ...shared, db: request.db, connectionId };
  const responseId = nextResponseId++ & 0x7fffffff;
  if (request.header.opCode === OP_QUERY) {
    // Since MongoDB 6 only the handshake may use OP_QUERY.
    const name = Object.keys(request.body)[0] ?? '';
    const doc: Document = LEGACY_HANDSHAKE.has(name)
      ? helloReply(ctx)
      : new WireError(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        ).toReply();
    return buildOpReply(responseId, request.header.requestId, doc);
  }
  const doc = runCommand(request.body, ctx);
  if (request.moreToCome) return undefined;
  try {
    return buildOpMsg(responseId, request.header.requestId, doc);
  } catch (err) {
    // A reply that cannot be encoded (e.g. over 16MB) still deserves an answer.
    const failure = new WireError('InternalError', `could not encode reply: ${(err as Error).message}`);
    return buildOpMsg(responseId, request.header.requestId, failure.toReply());
  }
}
