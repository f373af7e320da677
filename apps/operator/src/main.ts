#!/usr/bin/env node
/**
 * `glkeys-operator`: flags as controller-runtime's managers take them. Kubernetes access comes
 * from `--kubeconfig`, else KUBECONFIG / ~/.kube/config, else the in-cluster ServiceAccount.
 * The only process-wide effect of the operator (signal handling) is installed here.
 */
import { getHeapStatistics } from 'node:v8';
import { parseArgs } from 'node:util';
import { loadKubeConfig } from '@glkeys/core/kubernetes';
import { createOperator } from './operator.js';
import { installSignalHandlers } from './runtime/manager.js';
import { createLogger } from './runtime/log.js';

const USAGE = `Usage: glkeys-operator [flags]
  --kubeconfig PATH                   kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster)
  --namespace NAME                    watch one namespace (default: all)
  --leader-elect                      run Lease leader election (use with more than one replica)
  --leader-election-namespace NAME    namespace of the Lease and the orphan record (default: POD_NAMESPACE or glkeys-system)
  --metrics-bind-address ADDR         Prometheus metrics, e.g. :8080 (0 disables; default :8080)
  --health-probe-bind-address ADDR    /healthz and /readyz, e.g. :8081 (0 disables; default :8081)
  --concurrency N                     workers per kind (default 1)
  --log-level debug|info|error        (default info)`;

function fail(message: string): never {
  process.stderr.write(`glkeys-operator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      'metrics-bind-address': { type: 'string', default: ':8080' },
      'health-probe-bind-address': { type: 'string', default: ':8081' },
      concurrency: { type: 'string', default: '1' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) fail('--concurrency: a whole number from 1 to 64');
const level = values['log-level'];
if (level !== 'debug' && level !== 'info' && level !== 'error') fail('--log-level: one of debug, info, error');
const logger = createLogger({ level: level });

try {
  const kubeConfig = loadKubeConfig({ kubeconfig: values.kubeconfig });
  const operator = createOperator({
    kubeConfig,
    namespace: values.namespace,
    leaderElect: values['leader-elect'],
    operatorNamespace: values['leader-election-namespace'] ?? process.env.POD_NAMESPACE ?? 'glkeys-system',
    metricsBindAddress: values['metrics-bind-address'],
    healthProbeBindAddress: values['health-probe-bind-address'],
    concurrency,
    logger,
  });
  installSignalHandlers(operator.manager);
  await operator.start();
  logger.info('started', {
    namespace: values.namespace ?? '(all)',
    leaderElect: values['leader-elect'],
    // Whether NODE_OPTIONS took effect (see node-options.ts): V8's own limit, in MiB.
    heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  });
} catch (error) {
  logger.error('could not start', error);
  process.exit(1);
}
