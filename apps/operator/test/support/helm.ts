// helm for the chart tests: built from Go modules by scripts/ensure-helm.sh (cached outside the
// repo), run as a child process on the chart in deploy/helm.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
export const operatorDir = fileURLToPath(new URL('../../', import.meta.url));
export const chartDir = `${operatorDir}deploy/helm/glkeys-operator`;
const ensureScript = fileURLToPath(new URL('../../../../scripts/ensure-helm.sh', import.meta.url));

let helmPath: Promise<string> | undefined;

/** The helm binary, built on first use (a cold build takes about a minute). */
export function ensureHelm(): Promise<string> {
  helmPath ??= run('bash', [ensureScript], { maxBuffer: 1 << 20 }).then(({ stdout }) => stdout.trim().split('\n').pop() as string);
  return helmPath;
}

export async function helm(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(await ensureHelm(), args, { maxBuffer: 64 << 20 });
}

/** The exit status and output of a helm run that is expected to fail. */
export async function helmFailure(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await helm(args);
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
  throw new Error(`helm ${args.join(' ')} succeeded, a failure was expected`);
}

export interface RenderOptions {
  release?: string;
  namespace: string;
  /** --set-json pairs: path → value. */
  values?: Record<string, unknown>;
}

export function setArgs(values: Record<string, unknown> = {}): string[] {
  return Object.entries(values).flatMap(([path, value]) => ['--set-json', `${path}=${JSON.stringify(value)}`]);
}

export function templateArgs(options: RenderOptions): string[] {
  return ['template', options.release ?? 'glkeys-operator', chartDir, '--namespace', options.namespace, ...setArgs(options.values)];
}

export async function helmTemplate(options: RenderOptions): Promise<string> {
  return (await helm(templateArgs(options))).stdout;
}

export interface RenderedDocument {
  /** The document's text exactly as helm printed it. */
  text: string;
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

/** Splits helm's output into its documents, keeping each one's text. */
export function documents(rendered: string): RenderedDocument[] {
  return parseAllDocuments(rendered)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`helm printed invalid YAML: ${document.errors[0]!.message}`);
      const [start, , end] = document.range;
      return { text: rendered.slice(start, end), object: document.toJS() as RenderedDocument['object'] };
    })
    .filter((document) => document.object !== null);
}
