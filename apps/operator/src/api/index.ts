// The glkeys.io/v1alpha1 API: CRD definitions, their generated types, and applyCrds.
export { applyCrds, CRD_FIELD_MANAGER, type ApplyCrdsOptions } from './apply-crds.js';
export { customResourceDefinitions, KINDS } from './crd.js';
export { API_VERSION, GROUP, VERSION } from './kind.js';
export type * from './types.generated.js';
