export { validateCiYaml, type LintError, type LintResult } from './validate.js';
