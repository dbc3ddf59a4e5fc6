// Command dispatch: first key of the body → handler; every failure becomes mongod's {ok:0,...} shape.
import type { Document } from 'mongodb';
import { WireError, toWireError } from '../errors.js';
import { adminCommands } from './admin.js';
import { aggregateCommands } from './aggregate.js';
import { collectionCommands } from './collections.js';
import type { CommandContext, CommandHandler } from './context.js';
import { deleteCommands } from './delete.js';
import { findAndModifyCommands } from './find-and-modify.js';
import { findCommands } from './find.js';
import { indexCommands } from './indexes.js';
import { insertCommands } from './insert.js';
import { updateCommands } from './update.js';

const COMMANDS = new Map<string, CommandHandler>(
  Object.entries({
    ...adminCommands,
    ...collectionCommands,
    ...indexCommands,
    ...insertCommands,
    ...findCommands,
    ...updateCommands,
    ...deleteCommands,
    ...findAndModifyCommands,
    ...aggregateCommands,
  }),
);

export function runCommand(body: Document, ctx: CommandContext): Document {
  const name = Object.keys(body)[0] ?? '';
  const injected = ctx.settings.failPoints.failureFor(name);
  if (injected) return injected;
  const handler = COMMANDS.get(name);
  if (!handler) {
    return new WireError('CommandNotFound', `no such command: '${name}'`).toReply();
  }
  try {
    return handler(body, ctx);
  } catch (err) {
    return toWireError(err).toReply();
  }
}

export type { CommandContext, ServerSettings } from './context.js';
