// Public API of @glkeys/core. Each line re-exports one concern; see README.md.
export * from './errors.js';
