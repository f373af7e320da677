// Flux's side of a bootstrap: sync manifests, Go durations, names.
export { parseGoDuration, formatGoDuration } from './duration.js';
export { checkSyncPath, bootstrapCredentialName, type CredentialNameInput } from './naming.js';
export {
  gitRepositoryUrl,
  renderGotkSync,
  renderSyncKustomization,
  syncFiles,
  type SyncManifestInput,
  type SyncFile,
} from './sync-manifests.js';
