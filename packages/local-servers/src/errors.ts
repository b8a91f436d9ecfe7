/** Something the machine lacks; the message says what to install. */
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** A server that did not come up; the message points at its log. */
export class ServerStartError extends Error {
  override name = 'ServerStartError';
}
