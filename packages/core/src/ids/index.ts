export { checkNumericId, parseGitlabRef, encodeId, refToParam, formatRef, type GitlabRef, type ParseRefOptions } from './gitlab-ref.js';
