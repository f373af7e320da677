// What a consumer gets from `globalSetup: ['@glkeys/kube-testenv/vitest']`, taken from src.
export { default } from '../src/vitest.js';
