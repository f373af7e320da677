/**
 * `@glkeys/core/eso`: External Secrets' GitlabDeployToken generators and the ExternalSecrets
 * that use them, converted to glkeys GitlabDeployToken objects (`glkeys eso convert`). Pure: no
 * cluster, no GitLab. Every public name of this entry is listed here.
 */
export { parseEsoYaml, type SourcedObject, type EsoObject } from './documents.js';
export {
  convertEsoDocuments,
  type EsoConversion,
  type EsoConvertOptions,
  type EsoNote,
  type ConvertedToken,
  type GlkeysDeployTokenObject,
} from './convert.js';
export { renderEsoConversion, formatEsoNote } from './render.js';
