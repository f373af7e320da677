/** Loads a kubeconfig the way kubectl does (`--kubeconfig`, KUBECONFIG, ~/.kube/config, in-cluster) and picks `--context`. */
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '../errors.js';

export function loadKubeConfig(options: { kubeconfig?: string | undefined; context?: string | undefined } = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ValidationError('context', 'known context', `context: "${options.context}" is not in the kubeconfig (known: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ValidationError('kubeconfig', 'a cluster', 'kubeconfig: no current cluster; pass --kubeconfig/--context or set KUBECONFIG');
  }
  return kc;
}
