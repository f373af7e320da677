// One apiserver per test run, with kube-controller-manager: namespace deletion and garbage
// collection must really happen in the Secret binding's tests.
import { createGlobalSetup } from '@glkeys/kube-testenv/vitest';

export default createGlobalSetup({ withControllerManager: true });
