/** A bad config file or entry; the message names the file, the entry and the field. */
export class ConfigError extends Error {
  readonly code = 'CONFIG';
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}
