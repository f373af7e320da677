// The glkeys.io/v1alpha1 API: CRD definitions, their generated types, and applyCrds.
export { applyCrds, CRD_FIELD_MANAGER, type ApplyCrdsOptions } from './apply-crds.js';
export { customResourceDefinitions, KINDS } from './crd.js';
export { API_VERSION, GROUP, VERSION } from './kind.js';
// The kinds and their parts a reconciler needs by name; the rest stay in types.generated.ts, so
// generic names (Condition, CABundle) do not leak into the package's top level.
export type {
  DeployKeyCredential,
  DeployKeyTarget,
  DeployTokenCredential,
  DeployTokenTarget,
  GitlabDeployKey,
  GitlabDeployKeySpec,
  GitlabDeployKeyStatus,
  GitlabDeployToken,
  GitlabDeployTokenSpec,
  GitlabDeployTokenStatus,
  PendingRevocation,
} from './types.generated.js';
