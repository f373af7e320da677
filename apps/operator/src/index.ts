// @glkeys/operator: the controller runtime and the reconcilers of GitlabDeployToken and GitlabDeployKey.
export {
  createInformer,
  type Informer,
  type InformerOptions,
  type InformerHandler,
  type InformerStats,
  type InformerEvent,
} from './runtime/informer.js';
export { LeaderElector, type LeaderElectorOptions, type LeaderElectorStats } from './runtime/leader.js';
export { type RestartBackoff, DEFAULT_RESTART_BACKOFF } from './runtime/restart-backoff.js';
export { type LogSink, SILENT_LOG } from './runtime/log-sink.js';
export * from './api/index.js';
export { DEFAULT_MEMORY_LIMIT, DEFAULT_NODE_OPTIONS } from './node-options.js';
// Controller runtime (knows nothing of GitLab): work queue, controller loop, metrics, probes, logs, manager.
export { systemClock, ManualClock, type Clock, type Timer } from './runtime/clock.js';
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from './runtime/ratelimiter.js';
export { WorkQueue, type WorkQueueGauges, type WorkQueueMetricsHooks, type WorkQueueOptions } from './runtime/workqueue.js';
export {
  Controller,
  isPanic,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  type StopOptions,
} from './runtime/controller.js';
export { Metrics, type MetricsOptions, type ReconcileResultLabel } from './runtime/metrics.js';
export { Checks, parseBindAddress, serveMetrics, serveProbes, type Check, type HttpEndpoint } from './runtime/probes.js';
export {
  createLogger,
  discardLogger,
  looksLikeSecret,
  REDACTED,
  type LogFields,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './runtime/log.js';
export { Manager, installSignalHandlers, type ManagerOptions, type Runnable, type SignalTarget } from './runtime/manager.js';
