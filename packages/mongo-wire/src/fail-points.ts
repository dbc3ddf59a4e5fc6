// mongod's `failCommand` fail point (a test command): make named commands fail with a chosen error, as in an election.
import type { Document } from 'mongodb';
import { WireError } from './errors.js';
import { isPlainObject } from './values.js';

/** Names mongod gives the codes tests usually inject; others are sent with their number only. */
const CODE_NAMES: Record<number, string> = {
  91: 'ShutdownInProgress',
  189: 'PrimarySteppedDown',
  10107: 'NotWritablePrimary',
  11600: 'InterruptedAtShutdown',
  11602: 'InterruptedDueToReplStateChange',
  13435: 'NotPrimaryNoSecondaryOk',
};

interface FailCommand {
  /** Remaining failures; Infinity for alwaysOn. */
  remaining: number;
  commands: Set<string>;
  errorCode: number;
  errorLabels?: string[];
}

export class FailPoints {
  private failCommand: FailCommand | undefined;

  /** The `configureFailPoint` command: {configureFailPoint: 'failCommand', mode: 'alwaysOn'|'off'|{times:n}, data}. */
  configure(body: Document): Document {
    if (body.configureFailPoint !== 'failCommand')
      throw new WireError('BadValue', `unknown fail point: ${String(body.configureFailPoint)} (this server knows failCommand only)`);
    const { mode, data } = body;
    if (mode === 'off') {
      this.failCommand = undefined;
      return { ok: 1 };
    }
    const remaining =
      mode === 'alwaysOn'
        ? Number.POSITIVE_INFINITY
        : isPlainObject(mode) && Number.isInteger(mode.times)
          ? Number(mode.times)
          : Number.NaN;
    if (!(remaining > 0)) throw new WireError('BadValue', "mode must be 'off', 'alwaysOn' or {times: n}");
    if (!isPlainObject(data) || !Array.isArray(data.failCommands) || typeof data.errorCode !== 'number')
      throw new WireError('BadValue', 'data must name failCommands (an array) and an errorCode (this server supports no other effect)');
    const errorLabels = Array.isArray(data.errorLabels) ? data.errorLabels.map(String) : undefined;
    this.failCommand = { remaining, commands: new Set(data.failCommands.map(String)), errorCode: data.errorCode, errorLabels };
    return { ok: 1 };
  }

  /** The error reply a command gets instead of running, or undefined when it runs. */
  failureFor(command: string): Document | undefined {
    const point = this.failCommand;
    if (!point?.commands.has(command)) return undefined;
    if (--point.remaining <= 0) this.failCommand = undefined;
    return {
      ok: 0,
      errmsg: "Failing command via 'failCommand' failpoint",
      code: point.errorCode,
      ...(CODE_NAMES[point.errorCode] ? { codeName: CODE_NAMES[point.errorCode] } : {}),
      ...(point.errorLabels ? { errorLabels: point.errorLabels } : {}),
    };
  }
}
