// The CRD YAML as users apply it, and raw requests for custom objects (as kubectl sends them).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { kubeRequest, type KubeResponse } from '../../src/api/kube-request.js';

const crdDir = fileURLToPath(new URL('../../config/crd/', import.meta.url));
export const CRD_FILES = ['glkeys.io_gitlabdeploytokens.yaml', 'glkeys.io_gitlabdeploykeys.yaml'];

/** Every document of the files under config/crd, parsed the way `kubectl apply -f` parses them. */
export function crdsFromDisk(): Array<Record<string, unknown>> {
  return CRD_FILES.flatMap((file) =>
    parseAllDocuments(readFileSync(`${crdDir}${file}`, 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>),
  );
}

export type Kind = 'GitlabDeployToken' | 'GitlabDeployKey';
const PLURAL: Record<Kind, string> = { GitlabDeployToken: 'gitlabdeploytokens', GitlabDeployKey: 'gitlabdeploykeys' };

export function objectPath(kind: Kind, namespace: string, name?: string): string {
  return `/apis/glkeys.io/v1alpha1/namespaces/${namespace}/${PLURAL[kind]}${name ? `/${name}` : ''}`;
}

/** Creates with strict field validation, as kubectl does by default: unknown fields are errors. */
export function createObject(kubeConfig: KubeConfig, kind: Kind, namespace: string, name: string, spec: unknown): Promise<KubeResponse> {
  const body = { apiVersion: 'glkeys.io/v1alpha1', kind, metadata: { name, namespace }, spec };
  return kubeRequest(kubeConfig, 'POST', `${objectPath(kind, namespace)}?fieldValidation=Strict`, body);
}

export interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

export function causesOf(res: KubeResponse): StatusCause[] {
  return (res.body as { details?: { causes?: StatusCause[] } }).details?.causes ?? [];
}
