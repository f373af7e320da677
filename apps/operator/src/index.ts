// @glkeys/operator: the controller runtime and the reconcilers of GitlabDeployToken and GitlabDeployKey.
export {};
export * from './api/index.js';
