// A listener that cannot bind is a setting to change, not a crash: one line naming the port and the setting.
import { GatehouseError } from './gatehouse-error.js';

export class PortUnavailable extends GatehouseError {
  override name = 'PortUnavailable';
}

/** The error to end the start with when `listen` failed; anything but a known bind failure passes through. */
export function listenFailure(error: unknown, port: number, setting: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new PortUnavailable(`port ${port} is already in use (set ${setting})`);
  if (code === 'EACCES') return new PortUnavailable(`port ${port} needs privileges this process does not have (set ${setting})`);
  return error;
}
