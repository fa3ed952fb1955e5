/**
 * Every manifest in deploy/ is one the API server would accept: each is validated against
 * Kubernetes' OpenAPI schema for its apiVersion and kind (kubernetes-models), and the validator is
 * shown to refuse broken ones, so a pass means something. Where kubectl is installed, the
 * kustomization builds and what it builds validates too.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import {
  applied,
  DEPLOY_DIR,
  deployFiles,
  find,
  type Manifest,
  manifestsOf,
  validateManifest,
} from './deploy-files.js';

describe('each manifest validates against Kubernetes` schema for its kind', () => {
  it.each(deployFiles)('%s', async (file) => {
    const documents = manifestsOf(file);
    expect(documents.length).toBeGreaterThan(0);
    for (const manifest of documents) await validateManifest(manifest);
  });
});

describe('the validator refuses what the API server would', () => {
  const deployment = find('Deployment', 'hss-gateway');
  const withSpec = (spec: Manifest) => ({ ...deployment, spec: { ...deployment.spec, ...spec } });

  it('a count that is not a number', async () => {
    await expect(validateManifest(withSpec({ replicas: 'two' }))).rejects.toThrow(
      'apps/v1/Deployment hss-gateway: data/spec/replicas must be integer',
    );
  });

  it('a Deployment without its selector, a label value that is not a string, a bad quantity', async () => {
    await expect(validateManifest(withSpec({ selector: undefined }))).rejects.toThrow(
      'data/spec must have required property selector',
    );
    const policy = find('NetworkPolicy', 'hss-gateway-redis');
    await expect(
      validateManifest({ ...policy, metadata: { ...policy.metadata, labels: { client: true } } }),
    ).rejects.toThrow('data/metadata/labels/client must be string');
    const container = deployment.spec.template.spec.containers[0];
    const hungry = { ...container, resources: { limits: { memory: '320 megabytes' } } };
    await expect(
      validateManifest(
        withSpec({ template: { ...deployment.spec.template, spec: { containers: [hungry] } } }),
      ),
    ).rejects.toThrow('data/spec/template/spec/containers/0/resources/limits/memory must match format');
  });

  it('a kind or an API version without a model', async () => {
    await expect(validateManifest({ ...deployment, kind: 'Deploymnet' })).rejects.toThrow(
      'kubernetes-models has no model for Deploymnet',
    );
    await expect(validateManifest({ ...deployment, apiVersion: 'apps/v1beta9' })).rejects.toThrow(
      'kubernetes-models has no API group version "apps/v1beta9"',
    );
  });
});

const kubectl = (() => {
  try {
    return execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }) && 'kubectl';
  } catch {
    return undefined;
  }
})();
const describeWithKubectl = kubectl ? describe : describe.skip;
if (!kubectl) console.warn('Skipping "kubectl kustomize deploy/": no kubectl on PATH.');

describeWithKubectl('kubectl kustomize deploy/', () => {
  const built = kubectl
    ? parseAllDocuments(execFileSync('kubectl', ['kustomize', DEPLOY_DIR], { encoding: 'utf8' })).map(
        (doc) => doc.toJS() as Manifest,
      )
    : [];

  const ours = built.filter((m) =>
    applied.some((a) => a.kind === m.kind && a.metadata.name === m.metadata.name),
  );

  it('builds every listed manifest, each valid, and no Secret', async () => {
    expect(ours).toHaveLength(applied.length);
    for (const manifest of ours) await validateManifest(manifest);
    expect(built.some((m) => m.kind === 'Secret')).toBe(false);
  });

  it('runs the images the manifests name: kustomization.yaml`s `images:` pins the same ones', () => {
    const images = built
      .filter((m) => m.kind === 'Deployment')
      .flatMap((m) => m.spec.template.spec.containers.map((c: Manifest) => c.image));
    expect(images).toEqual(
      applied
        .filter((m) => m.kind === 'Deployment')
        .flatMap((m) => m.spec.template.spec.containers.map((c: Manifest) => c.image)),
    );
  });
});
