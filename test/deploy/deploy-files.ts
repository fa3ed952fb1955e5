/**
 * The manifests of deploy/ as the deploy tests read them: the files kustomization.yaml applies, and
 * the Secret example it must not. Alerting rules and dashboards (deploy/alerts*.yaml,
 * deploy/monitoring/) have tests of their own and are left out here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type Manifest = Record<string, any>;

export const DEPLOY_DIR = join(__dirname, '..', '..', 'deploy');
export const SECRET_EXAMPLE = 'secret.example.yaml';

/** Files of deploy/ these tests do not own: another set of tests checks them. */
const notOurs = (file: string) => /^alerts.*\.yaml$/.test(file) || /^monitoring(\/|$)/.test(file);

/** Every manifest file of deploy/ these tests own, the Secret example included. */
export const deployFiles = readdirSync(DEPLOY_DIR)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml' && !notOurs(file))
  .sort();

export const kustomization = parse(readFileSync(join(DEPLOY_DIR, 'kustomization.yaml'), 'utf8')) as Manifest;

/** kustomization.yaml's resources, less the ones other tests own. */
export const listedFiles = (kustomization.resources as string[]).filter((file) => !notOurs(file)).sort();

/** The documents of one file, as plain objects. */
export function manifestsOf(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(DEPLOY_DIR, file), 'utf8')).map((doc) => doc.toJS() as Manifest);
}

/** What `kubectl apply -k deploy/` creates (the files kustomization.yaml lists). */
export const applied: Manifest[] = listedFiles.flatMap(manifestsOf);

export const secretExample = manifestsOf(SECRET_EXAMPLE)[0] as Manifest;

/** The applied manifest of this kind and name; a missing one fails the test that asked. */
export function find(kind: string, name: string): Manifest {
  const found = applied.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`deploy/ applies no ${kind} ${name}`);
  return found;
}

/** The applied Deployments' pod templates, by Deployment name. */
export const podTemplates = new Map<string, Manifest>(
  applied.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, m.spec.template]),
);

/** Whether a label selector's matchLabels (or a Service's plain selector) picks pods with these labels. */
export function selects(selector: Manifest | undefined, labels: Record<string, string>): boolean {
  const wanted: Record<string, string> = selector?.matchLabels ?? selector ?? {};
  if (selector?.matchExpressions) throw new Error('matchExpressions: extend selects() before using them');
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

interface KubernetesModel {
  new (data: unknown): { validate(): void };
}

/**
 * Validates a manifest against Kubernetes' OpenAPI schema for its apiVersion and kind, with the
 * kubernetes-models class generated from it (ESM-only, hence the dynamic import). Throws the
 * validator's message, or that no model exists for that apiVersion and kind.
 */
export async function validateManifest(manifest: Manifest): Promise<void> {
  const { apiVersion, kind } = manifest;
  const where = `${apiVersion}/${kind} ${manifest.metadata?.name}`;
  let models: Record<string, KubernetesModel | undefined>;
  try {
    models = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    throw new Error(`${where}: kubernetes-models has no API group version ${JSON.stringify(apiVersion)}`);
  }
  const Model = models[kind];
  if (typeof Model !== 'function') throw new Error(`${where}: kubernetes-models has no model for ${kind}`);
  try {
    new Model(manifest).validate();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}
