// Human-readable log lines for development on a terminal: pino's JSON lines rewritten as "time LEVEL message key=value".
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: 'TRACE', color: 90 },
  20: { label: 'DEBUG', color: 90 },
  30: { label: 'INFO ', color: 32 },
  40: { label: 'WARN ', color: 33 },
  50: { label: 'ERROR', color: 31 },
  60: { label: 'FATAL', color: 35 },
};

/** Shown by the line's layout itself, or the same on every line. */
const LAYOUT_FIELDS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);
/** An access-log line says these as "GET /path 200 3.1 ms client=…". */
const REQUEST_FIELDS = new Set(['method', 'path', 'status', 'ms', 'route', 'clientId', 'requestId']);

/** A pino destination that writes each record to `out` as one readable line (plus a stack, when there is one). */
export function prettyDestination(out: NodeJS.WritableStream, color: boolean): DestinationStream {
  return { write: (line: string) => out.write(formatLine(line, color)) };
}

export function formatLine(line: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(record.level)] ?? { label: String(record.level), color: 0 };
  const time = new Date(Number(record.time)).toTimeString().slice(0, 8);
  const isRequest = record.msg === 'request' && typeof record.method === 'string';
  const message = isRequest ? requestSummary(record) : String(record.msg ?? '');
  const skip = isRequest ? REQUEST_FIELDS : new Set<string>();
  const fields = Object.entries(record)
    .filter(([key, value]) => !LAYOUT_FIELDS.has(key) && !skip.has(key) && key !== 'err' && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = record.err as { message?: string; stack?: string } | undefined;
  const detail = err ? `\n    ${(err.stack ?? err.message ?? JSON.stringify(err)).split('\n').join('\n    ')}` : '';
  const rest = fields.length > 0 ? ` ${paint(90, fields.join(' '))}` : '';
  return `${paint(90, time)} ${paint(level.color, level.label)} ${message}${rest}${detail}\n`;
}

function requestSummary(record: Record<string, unknown>): string {
  const ms = typeof record.ms === 'number' ? ` ${record.ms.toFixed(1)} ms` : '';
  const client = record.clientId ? ` client=${String(record.clientId)}` : '';
  const id = typeof record.requestId === 'string' ? ` id=${record.requestId.slice(0, 8)}` : '';
  return `${String(record.method)} ${String(record.path)} ${String(record.status)}${ms}${client}${id}`;
}
