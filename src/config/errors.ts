// A config problem list that the entry points print line by line and exit 2 on, without a stack trace.
import { GatehouseError } from '../errors/gatehouse-error.js';

export class ConfigError extends GatehouseError {
  override readonly exitCode = 2;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** Each problem names its file and line, as editors and CI annotations expect. */
  override lines(): readonly string[] {
    return this.problems;
  }
}
