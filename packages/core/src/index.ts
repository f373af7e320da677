// Public API of @glkeys/core. Each line re-exports one concern; see README.md.
export * from './errors.js';
export * from './ids/index.js';
export * from './gitlab/index.js';
export * from './target.js';
export * from './expiry.js';
export * from './deploy-tokens/index.js';
export * from './deploy-keys/index.js';
export * from './lifecycle/index.js';
export * from './render/index.js';
export * from './ssh/index.js';
export * from './bootstrap/index.js';
export * from './ci/index.js';
