// Wire framing: splits a TCP stream into messages, parses OP_QUERY/OP_MSG, and builds OP_REPLY/OP_MSG.
import { BSON, type Document } from 'mongodb';
import { ProtocolError } from './errors.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

const HEADER_BYTES = 16;
const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A request reduced to what command dispatch needs, whichever opcode carried it. */
export interface WireRequest {
  header: MessageHeader;
  /** The command document; for OP_MSG, kind-1 sequences are merged in under their identifier. */
  body: Document;
  /** Database the command targets ($db for OP_MSG, the namespace prefix for OP_QUERY). */
  db: string;
  /** The client asked for no reply (OP_MSG moreToCome). */
  moreToCome: boolean;
}

/**
 * Accumulates chunks and yields complete messages. Chunks are kept in a list and only joined once
 * a whole message is present, so a large message arriving in many small chunks costs one copy.
 */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Returns every complete message now available; throws ProtocolError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.buffered >= 4) {
      const length = this.peekLength();
      if (length < HEADER_BYTES || length > this.maxMessageBytes) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) break;
      messages.push(this.take(length));
    }
    return messages;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32LE(0);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].readInt32LE(0);
  }

  private take(length: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const message = joined.subarray(0, length);
    const rest = joined.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return message;
  }
}

/** Reads a BSON document at offset, refusing one that claims to run past `end`. */
function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`invalid BSON document size ${size}`);
  try {
    return { doc: BSON.deserialize(buf.subarray(offset, offset + size)), next: offset + size };
  } catch (err) {
    throw new ProtocolError(`unparseable BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

export function parseHeader(message: Buffer): MessageHeader {
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

/** Parses a complete message; throws ProtocolError for anything this server cannot understand. */
export function parseMessage(message: Buffer): WireRequest {
  const header = parseHeader(message);
  if (header.opCode === OP_MSG) return parseOpMsg(message, header);
  if (header.opCode === OP_QUERY) return parseOpQuery(message, header);
  throw new ProtocolError(`unsupported opcode ${header.opCode}`);
}

function parseOpMsg(message: Buffer, header: MessageHeader): WireRequest {
  if (message.length < HEADER_BYTES + 5) throw new ProtocolError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_BYTES);
  const end = message.length - (flags & FLAG_CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG with two body sections');
      const read = readDocument(message, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const sectionEnd = offset + message.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd < offset + 5) throw new ProtocolError('invalid document sequence size');
      const id = readCString(message, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let pos = id.next;
      while (pos < sectionEnd) {
        const read = readDocument(message, pos, sectionEnd);
        docs.push(read.doc);
        pos = read.next;
      }
      sequences.push([id.value, docs]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  const db = body.$db;
  if (typeof db !== 'string') throw new ProtocolError('OP_MSG body without $db');
  return { header, body, db, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

function parseOpQuery(message: Buffer, header: MessageHeader): WireRequest {
  const end = message.length;
  const ns = readCString(message, HEADER_BYTES + 4, end);
  // numberToSkip and numberToReturn are meaningless for a command query.
  const query = readDocument(message, ns.next + 8, end);
  const dot = ns.value.indexOf('.');
  const db = dot < 0 ? ns.value : ns.value.slice(0, dot);
  // Some drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const body = (query.doc.$query && typeof query.doc.$query === 'object' ? query.doc.$query : query.doc) as Document;
  return { header, body, db, moreToCome: false };
}

function headerBuffer(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

export function buildOpMsg(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const prefix = Buffer.alloc(5); // flagBits 0, then section kind 0
  const total = HEADER_BYTES + prefix.length + body.length;
  return Buffer.concat([headerBuffer(total, requestId, responseTo, OP_MSG), prefix, body], total);
}

export function buildOpReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  // responseFlags(4) cursorID(8) startingFrom(4) numberReturned(4)
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16);
  const total = HEADER_BYTES + fields.length + body.length;
  return Buffer.concat([headerBuffer(total, requestId, responseTo, OP_REPLY), fields, body], total);
}
