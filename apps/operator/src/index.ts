// @glkeys/operator: the controller runtime and the reconcilers of GitlabDeployToken and GitlabDeployKey.
export {};
export { createInformer, type Informer, type InformerOptions, type InformerHandler, type InformerStats, type InformerEvent } from './runtime/informer.js';
export { LeaderElector, type LeaderElectorOptions, type LeaderElectorStats } from './runtime/leader.js';
export { type RestartBackoff, DEFAULT_RESTART_BACKOFF } from './runtime/restart-backoff.js';
export { type LogSink, SILENT_LOG } from './runtime/log-sink.js';
export * from './api/index.js';
