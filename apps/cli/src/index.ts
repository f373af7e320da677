// Entry for hosts that load glkeys as an oclif plugin; commands live in ./commands.
export { run } from '@oclif/core';
export type { ExitCode } from './lib/exit-codes.js';
export { EXIT_CODES } from './lib/exit-codes.js';
