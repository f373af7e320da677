// One apiserver per test run, with kube-controller-manager (garbage collection and namespace deletion).
import { createGlobalSetup } from '@glkeys/kube-testenv/vitest';

export default createGlobalSetup({ withControllerManager: true });
