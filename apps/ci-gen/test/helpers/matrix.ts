import type { GenerateInput } from '../../src/index.js';

/** Option sets every preset is rendered with: snapshots, schema lint and gitlab-ci-local. */
export const MATRIX: Record<string, GenerateInput> = {
  'kestra-1x-api-token': {
    preset: 'kestra',
    options: { kestraVersion: '1.0.4', host: 'https://kestra.example.com', namespaces: ['company.team'] },
  },
  'kestra-1x-basic-tenant-multi': {
    preset: 'kestra',
    options: {
      kestraVersion: 'v1.3.26',
      host: 'https://kestra.internal:8443',
      auth: 'basic',
      tenant: 'main',
      namespaces: ['company.team', { namespace: 'company.data', dir: './flows/data' }],
      deployOn: 'protected',
      runnerTags: ['kestra-private'],
    },
  },
  'kestra-1x-local': {
    preset: 'kestra',
    options: { kestraVersion: '1.0', host: 'https://kestra.example.com', namespaces: ['prod'], local: true },
  },
  'kestra-2x-api-token-tenant': {
    preset: 'kestra',
    options: {
      kestraVersion: '2.0.2',
      host: 'https://kestra.example.com',
      tenant: 'production',
      namespaces: ['company.team', 'company.ops'],
      environment: { name: 'kestra/prod', url: 'https://kestra.example.com/ui' },
    },
  },
  'kestra-2x-basic': {
    preset: 'kestra',
    options: { kestraVersion: '2.1.0', host: 'http://kestra:8080', auth: 'basic', namespaces: ['dev'] },
  },
  'kestra-forced-latest': {
    preset: 'kestra',
    options: { kestraVersion: 'latest', host: 'https://kestra.example.com', namespaces: ['prod'], force: true },
  },
  'flux-default': { preset: 'flux', options: { paths: ['./clusters/production'] } },
  'flux-multi-strict': {
    preset: 'flux',
    options: {
      paths: ['./clusters/staging', './infrastructure/controllers'],
      fluxVersion: 'v2.3.0',
      kubernetesVersion: '1.30.2',
      ignoreMissingSchemas: false,
      skipKinds: ['Secret', 'SopsSecret'],
    },
  },
  'registry-pull-default': { preset: 'registry-pull', options: { image: '$CI_REGISTRY_IMAGE/app:1.4.2' } },
  'registry-pull-protected-env': {
    preset: 'registry-pull',
    options: {
      image: 'registry.example.com/group/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      deployOn: 'protected',
      environment: { name: 'edge-hosts', url: 'https://edge.example.com' },
    },
  },
};
