import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

// The real kubectl with its default (strict) validation: no --validate=false anywhere.

type Obj = Record<string, unknown>;

function deployment(name: string, image: string, extra: { replicas?: number; spec?: string; container?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${extra.replicas ?? 2}${extra.spec ?? ''}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}${extra.container ?? ''}
        ports:
        - containerPort: 80
`;
}

describe('kubectl writes against the api-server (default validation)', () => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;

  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await k.run(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}\n${r.stderr}`);
    return r.stdout.trim();
  };
  const fails = async (args: string[], input?: string): Promise<string> => {
    const r = await k.run(args, input === undefined ? {} : { input });
    assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should fail\n${r.stdout}`);
    return r.stderr.trim();
  };
  const json = async (args: string[]): Promise<Obj> => JSON.parse(await ok([...args, '-o', 'json'])) as Obj;
  const jsonpath = (args: string[], expr: string) => ok([...args, '-o', `jsonpath=${expr}`]);

  before(async () => {
    c = await startTestCluster();
    k = kubectlFor(c.url);
    dir = mkdtempSync(path.join(tmpdir(), 'kubemu-apply-'));
  });
  after(async () => {
    await c?.stop();
  });

  test('apply -f: created, then configured with a new image, then unchanged', async () => {
    assert.equal(await ok(['apply', '-f', '-'], deployment('csa', 'nginx:1.25')), 'deployment.apps/csa created');
    assert.equal(await ok(['apply', '-f', '-'], deployment('csa', 'nginx:1.27')), 'deployment.apps/csa configured');
    assert.equal(await ok(['apply', '-f', '-'], deployment('csa', 'nginx:1.27')), 'deployment.apps/csa unchanged');
    assert.equal(await jsonpath(['get', 'deploy', 'csa'], '{.spec.template.spec.containers[0].image}'), 'nginx:1.27');
    const d = await json(['get', 'deploy', 'csa', '--show-managed-fields']);
    const managers = ((d.metadata as Obj).managedFields as Obj[]).map((m) => `${String(m.manager)}/${String(m.operation)}`);
    assert.deepEqual(managers, ['kubectl-client-side-apply/Update']);
  });

  test('apply -f removes a container env var dropped from the manifest (three-way strategic merge patch)', async () => {
    const withEnv = deployment('env', 'nginx', { container: '\n        env: [{name: A, value: "1"}, {name: B, value: "2"}]' });
    await ok(['apply', '-f', '-'], withEnv);
    await ok(['apply', '-f', '-'], deployment('env', 'nginx', { container: '\n        env: [{name: B, value: "2"}]' }));
    assert.equal(await jsonpath(['get', 'deploy', 'env'], '{.spec.template.spec.containers[0].env}'), '[{"name":"B","value":"2"}]');
  });

  test('apply --server-side creates and updates, recording the kubectl Apply manager', async () => {
    assert.equal(await ok(['apply', '--server-side', '-f', '-'], deployment('ssa', 'nginx:1.25')), 'deployment.apps/ssa serverside-applied');
    assert.equal(await ok(['apply', '--server-side', '-f', '-'], deployment('ssa', 'nginx:1.27', { replicas: 3 })), 'deployment.apps/ssa serverside-applied');
    const d = await json(['get', 'deploy', 'ssa', '--show-managed-fields']);
    assert.equal((d.spec as Obj).replicas, 3);
    const entries = (d.metadata as Obj).managedFields as Obj[];
    assert.equal(entries.length, 1);
    assert.equal(entries[0].manager, 'kubectl');
    assert.equal(entries[0].operation, 'Apply');
    assert.equal(entries[0].apiVersion, 'apps/v1');
    assert.equal(entries[0].fieldsType, 'FieldsV1');
    assert.deepEqual(((entries[0].fieldsV1 as Obj)['f:spec'] as Obj)['f:replicas'], {});
    // dry run changes nothing
    await ok(['apply', '--server-side', '--dry-run=server', '-f', '-'], deployment('ssa', 'nginx:1.27', { replicas: 7 }));
    assert.equal(await jsonpath(['get', 'deploy', 'ssa'], '{.spec.replicas}'), '3');
  });

  test('create deployment (a protobuf body), then server-side apply conflicts with its manager until forced', async () => {
    assert.equal(await ok(['create', 'deployment', 'made', '--image=nginx', '--replicas=0']), 'deployment.apps/made created');
    assert.equal(await jsonpath(['get', 'deploy', 'made'], '{.spec.replicas} {.spec.template.spec.containers[0].name}'), '0 nginx');
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: made
spec:
  replicas: 4
  selector:
    matchLabels: {app: made}
  template:
    metadata:
      labels: {app: made}
    spec:
      containers:
      - name: nginx
        image: nginx
`;
    const err = await fails(['apply', '--server-side', '-f', '-'], manifest);
    assert.match(err, /^error: Apply failed with 1 conflict: conflict with "kubectl-create" using apps\/v1: \.spec\.replicas$/m);
    assert.equal(await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifest), 'deployment.apps/made serverside-applied');
    assert.equal(await jsonpath(['get', 'deploy', 'made'], '{.spec.replicas}'), '4');
  });

  test('expose, scale, label, annotate, set image and the three patch types', async () => {
    await ok(['apply', '-f', '-'], deployment('ops', 'nginx:1.25'));
    assert.equal(await ok(['expose', 'deployment', 'ops', '--port=80', '--type=NodePort']), 'service/ops exposed');
    const svc = await json(['get', 'svc', 'ops']);
    assert.equal((svc.spec as Obj).type, 'NodePort');
    assert.ok(Number(((svc.spec as Obj).ports as Obj[])[0].nodePort) >= 30000);
    assert.equal(await ok(['scale', 'deployment', 'ops', '--replicas=5']), 'deployment.apps/ops scaled');
    assert.equal(await ok(['label', 'deployment', 'ops', 'tier=web']), 'deployment.apps/ops labeled');
    assert.equal(await ok(['annotate', 'deployment', 'ops', 'note=hello']), 'deployment.apps/ops annotated');
    assert.equal(await ok(['set', 'image', 'deployment/ops', 'web=nginx:1.28']), 'deployment.apps/ops image updated');
    assert.equal(
      await ok(['patch', 'deployment', 'ops', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}]}]}}}}']),
      'deployment.apps/ops patched',
    );
    assert.equal(await ok(['patch', 'deployment', 'ops', '--type=merge', '-p', '{"metadata":{"labels":{"merged":"yes"}}}']), 'deployment.apps/ops patched');
    assert.equal(await ok(['patch', 'deployment', 'ops', '--type=json', '-p', '[{"op":"replace","path":"/spec/minReadySeconds","value":3}]']), 'deployment.apps/ops patched');
    const d = await json(['get', 'deploy', 'ops']);
    const spec = d.spec as Obj;
    const containers = ((spec.template as Obj).spec as Obj).containers as Obj[];
    assert.equal(spec.replicas, 5);
    assert.equal(spec.minReadySeconds, 3);
    assert.deepEqual((d.metadata as Obj).labels, { app: 'ops', tier: 'web', merged: 'yes' });
    assert.equal(((d.metadata as Obj).annotations as Obj).note, 'hello');
    assert.equal(containers.length, 1);
    assert.equal(containers[0].image, 'nginx:1.28');
    assert.deepEqual(containers[0].env, [{ name: 'A', value: '1' }]);
    assert.deepEqual(containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }], 'the strategic merge kept the ports');
  });

  test('a resourceVersion inside a patch is a precondition', async () => {
    const err = await fails(['patch', 'deployment', 'ops', '--type=strategic', '-p', '{"metadata":{"resourceVersion":"1"},"spec":{"replicas":1}}']);
    assert.match(err, /Error from server \(Conflict\): Operation cannot be fulfilled on deployments\.apps "ops": the object has been modified; please apply your changes to the latest version and try again/);
    assert.match(await fails(['label', 'deployment', 'ops', 'x=y', '--resource-version=1']), /Error from server \(Conflict\)/);
  });

  test('edit with a non-interactive editor and replace -f', async () => {
    const editor = path.join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/replicas: 5/replicas: 6/" "$1"\n');
    chmodSync(editor, 0o755);
    const previous = process.env.KUBE_EDITOR;
    process.env.KUBE_EDITOR = editor;
    try {
      assert.equal(await ok(['edit', 'deployment', 'ops']), 'deployment.apps/ops edited');
    } finally {
      if (previous === undefined) delete process.env.KUBE_EDITOR;
      else process.env.KUBE_EDITOR = previous;
    }
    assert.equal(await jsonpath(['get', 'deploy', 'ops'], '{.spec.replicas}'), '6');
    const live = await ok(['get', 'deploy', 'ops', '-o', 'yaml']);
    assert.equal(await ok(['replace', '-f', '-'], live.replace('replicas: 6', 'replicas: 2')), 'deployment.apps/ops replaced');
    assert.equal(await jsonpath(['get', 'deploy', 'ops'], '{.spec.replicas}'), '2');
  });

  test('a rollout-undo style JSON patch replaces the template and the annotations', async () => {
    const d = await json(['get', 'deploy', 'ops']);
    const template = structuredClone((d.spec as Obj).template as Obj);
    (((template.spec as Obj).containers as Obj[])[0]).image = 'nginx:1.20';
    const patch = JSON.stringify([
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
    ]);
    assert.equal(await ok(['patch', 'deployment', 'ops', '--type=json', '-p', patch]), 'deployment.apps/ops patched');
    assert.equal(await jsonpath(['get', 'deploy', 'ops'], '{.spec.template.spec.containers[0].image} {.metadata.annotations}'), 'nginx:1.20 {"deployment.kubernetes.io/revision":"1"}');
  });

  test('wait --for=condition sees a condition set through /status', async () => {
    const generation = Number(await jsonpath(['get', 'deploy', 'ops'], '{.metadata.generation}'));
    const status = { status: { observedGeneration: generation, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'ok' }] } };
    const r = await call(c.url, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/ops/status', status, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200);
    assert.equal(await ok(['wait', '--for=condition=Available', 'deployment/ops', '--timeout=20s']), 'deployment.apps/ops condition met');
  });

  test('unknown fields: Strict fails create and apply with upstream\'s message, Warn returns warnings', async () => {
    const bad = deployment('bad', 'nginx', { spec: '\n  foo: 1' });
    const msg = 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"';
    assert.equal(await fails(['apply', '-f', '-'], bad), `Error from server (BadRequest): error when creating "STDIN": ${msg}`);
    assert.equal(await fails(['create', '-f', '-'], bad), `Error from server (BadRequest): error when creating "STDIN": ${msg}`);
    const warned = await k.run(['apply', '--validate=warn', '-f', '-'], { input: bad });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^Warning: unknown field "spec\.foo"$/m);
    assert.equal(await jsonpath(['get', 'deploy', 'bad'], '{.spec.foo}'), '', 'unknown fields are dropped');
    // an update through apply's patch fails the same way
    const err = await fails(['apply', '-f', '-'], deployment('bad', 'nginx:2', { container: '\n        bar: 1' }));
    assert.match(err, /strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.bar"/);
    const replaced = (await ok(['get', 'deploy', 'bad', '-o', 'yaml'])).replace('spec:\n', 'spec:\n  foo: 1\n');
    assert.match(await fails(['replace', '-f', '-'], replaced), /strict decoding error: unknown field "spec\.foo"/);
  });

  test('delete with --cascade background, foreground and orphan', async () => {
    for (const name of ['bg', 'fg', 'orph']) await ok(['apply', '-f', '-'], deployment(name, 'nginx'));
    assert.equal(await ok(['delete', 'deployment', 'bg', '--dry-run=server']), 'deployment.apps "bg" deleted (server dry run)');
    assert.equal(await jsonpath(['get', 'deploy', 'bg'], '{.metadata.name}'), 'bg');
    assert.equal(await ok(['delete', 'deployment', 'bg', '--cascade=background', '--wait=true', '--timeout=20s']), 'deployment.apps "bg" deleted');
    assert.match(await fails(['get', 'deploy', 'bg']), /NotFound/);
    // nothing collects dependents yet, so foreground and orphan deletion stay pending on their finalizers
    for (const [name, cascade, finalizer] of [['fg', 'foreground', 'foregroundDeletion'], ['orph', 'orphan', 'orphan']]) {
      assert.equal(await ok(['delete', 'deployment', name, `--cascade=${cascade}`, '--wait=false']), `deployment.apps "${name}" deleted`);
      const meta = (await json(['get', 'deploy', name])).metadata as Obj;
      assert.deepEqual(meta.finalizers, [finalizer]);
      assert.ok(meta.deletionTimestamp);
    }
  });

  test('over HTTP: duplicate fields, Warning headers, PatchOptions checks and OpenAPI documents', async () => {
    const deployments = '/apis/apps/v1/namespaces/default/deployments';
    const dup = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dup"},"spec":{"replicas":1,"replicas":2,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","foo":1}]}}}}`;
    const strict = await call(c.url, 'POST', `${deployments}?fieldValidation=Strict`, dup);
    assert.equal(strict.status, 400);
    assert.equal(strict.body.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "spec.replicas", unknown field "spec.template.spec.containers[0].foo"');
    const warn = await call(c.url, 'POST', deployments, dup);
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.get('warning'), '299 - "duplicate field \\"spec.replicas\\"", 299 - "unknown field \\"spec.template.spec.containers[0].foo\\""');
    const invalid = await call(c.url, 'POST', `${deployments}?fieldValidation=Loose`, dup);
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"');

    const apply = { 'content-type': 'application/apply-patch+yaml' };
    const noManager = await call(c.url, 'PATCH', `${deployments}/dup`, '{"apiVersion":"apps/v1","kind":"Deployment"}', apply);
    assert.equal(noManager.status, 422);
    assert.equal(noManager.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const force = await call(c.url, 'PATCH', `${deployments}/dup?force=true`, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(force.status, 422);
    assert.equal(force.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const media = await call(c.url, 'PATCH', `${deployments}/dup`, '{}', { 'content-type': 'application/xml' });
    assert.equal(media.status, 415);
    const created = await call(c.url, 'PATCH', `${deployments}/applied?fieldManager=tool`, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n      - {name: c, image: i}\n', apply);
    assert.equal(created.status, 201);
    const strictApply = await call(c.url, 'PATCH', `${deployments}/applied?fieldManager=tool&fieldValidation=Strict`, '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"applied"},"spec":{"replicas":3,"replicas":4}}', apply);
    assert.equal(strictApply.status, 400);
    assert.equal(strictApply.body.message, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 1: key "replicas" already set in map');

    const index = await call<{ paths: Record<string, { serverRelativeURL: string }> }>(c.url, 'GET', '/openapi/v3');
    assert.equal(index.status, 200);
    const apps = await call<{ paths: Record<string, { patch: Obj }> }>(c.url, 'GET', index.body.paths['apis/apps/v1'].serverRelativeURL);
    assert.deepEqual(apps.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal((await call(c.url, 'GET', '/openapi/v2')).status, 404);
  });

  test('explain renders the served schema', async () => {
    const out = await ok(['explain', 'deployment.spec.template.spec.containers']);
    assert.match(out, /^KIND:\s+Deployment$/m);
    assert.match(out, /^FIELD: containers <\[\]Container>/m);
    assert.match(out, /^\s+image\s+<string>$/m);
  });
});
