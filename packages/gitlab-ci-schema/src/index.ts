export { validateCiYaml, type LintError, type LintResult, type ValidateOptions } from './validate.js';
export { checkConfig, Reference, DEFAULT_STAGES, type ConfigCheckOptions } from './config-checks.js';
export { withReferences, mergeIncludes, type ReadLocalFile } from './includes.js';
