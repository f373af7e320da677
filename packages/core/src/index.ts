// Public API of @glkeys/core. Each line re-exports one concern; see README.md.
export * from './errors.js';
export * from './kubernetes/errors.js';
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
export * from './git/index.js';
export * from './flux/index.js';
export { checkNamespace, checkSecretName } from './kubernetes/names.js';
export { ACCESS_LEVEL_NAMES, accessLevelName, getTokenSelf, type TokenSelf } from './gitlab/token-self.js';
export { describeTokenAccess, type CommandAccess, type TokenAccess } from './gitlab/token-access.js';
export * from './ci/index.js';
