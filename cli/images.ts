import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError, run } from './exec.js';

export const PUBLIC_NODE_IMAGE = 'node:20-bookworm-slim';
export const LOCAL_NODE_IMAGE = 'kubemu/node-base:local';
export const KUBEMU_IMAGE = 'kubemu/kubemu:local';

export type Say = (line: string) => void;

/**
 * Makes every image the cluster needs, offline when necessary: etcd, pause and the test workload from
 * this machine's binaries, and the kubemu image on the public Node image if it can be pulled, otherwise
 * on a Node base assembled from the host. Says which path it took.
 */
export async function ensureImages(repoRoot: string, say: Say): Promise<void> {
  await script(repoRoot, 'images/etcd/build.sh', say);
  for (const img of ['pause', 'testapp']) {
    if (existsSync(path.join(repoRoot, 'images', img, 'build.sh'))) await script(repoRoot, `images/${img}/build.sh`, say);
  }
  const base = await chooseBase(repoRoot, say);
  await buildKubemuImage(repoRoot, base, say);
}

async function script(repoRoot: string, rel: string, say: Say): Promise<void> {
  const r = await run(path.join(repoRoot, rel), [], { cwd: repoRoot, timeoutMs: 300_000 });
  if (r.code !== 0) throw new CliError(`${rel} failed:\n${r.stderr || r.stdout}`);
  say(`  ${(r.stdout.trim().split('\n').pop() ?? rel).trim()}`);
}

async function chooseBase(repoRoot: string, say: Say): Promise<string> {
  if (await imageExists(PUBLIC_NODE_IMAGE)) {
    say(`  base image: ${PUBLIC_NODE_IMAGE} (already present)`);
    return PUBLIC_NODE_IMAGE;
  }
  if (await imageExists(LOCAL_NODE_IMAGE)) {
    // assembled by an earlier `up`: no pull attempt on every start
    say(`  base image: ${LOCAL_NODE_IMAGE}, assembled from this machine (\`docker pull ${PUBLIC_NODE_IMAGE}\` to use the public image)`);
    await script(repoRoot, 'images/node-base/build.sh', say);
    return LOCAL_NODE_IMAGE;
  }
  // a pull either answers quickly or is cut short: never hang on a registry
  const pull = await run('docker', ['pull', PUBLIC_NODE_IMAGE], { timeoutMs: 60_000 });
  if (pull.code === 0) {
    say(`  base image: ${PUBLIC_NODE_IMAGE} (pulled)`);
    return PUBLIC_NODE_IMAGE;
  }
  const reason = (pull.stderr.trim().split('\n').pop() ?? 'no answer').slice(0, 120);
  say(`  base image: ${PUBLIC_NODE_IMAGE} cannot be pulled (${reason}); assembling ${LOCAL_NODE_IMAGE} from this machine`);
  await script(repoRoot, 'images/node-base/build.sh', say);
  return LOCAL_NODE_IMAGE;
}

async function imageExists(image: string): Promise<boolean> {
  return (await run('docker', ['image', 'inspect', image], { timeoutMs: 15_000 })).code === 0;
}

/** Stages dist/ and production node_modules under .kubemu/image/ and builds the one kubemu image. */
async function buildKubemuImage(repoRoot: string, base: string, say: Say): Promise<void> {
  const ctx = path.join(repoRoot, '.kubemu', 'image');
  await mkdir(ctx, { recursive: true });
  const lock = await readFile(path.join(repoRoot, 'package-lock.json'));
  const lockHash = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(ctx, '.lock-hash');
  const staged = existsSync(stamp) ? (await readFile(stamp, 'utf8')).trim() : '';
  if (staged !== lockHash || !existsSync(path.join(ctx, 'node_modules'))) {
    say('  staging production dependencies (once per package-lock change)');
    await rm(path.join(ctx, 'node_modules'), { recursive: true, force: true });
    await cp(path.join(repoRoot, 'node_modules'), path.join(ctx, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    await cp(path.join(repoRoot, 'package.json'), path.join(ctx, 'package.json'));
    await cp(path.join(repoRoot, 'package-lock.json'), path.join(ctx, 'package-lock.json'));
    const prune = await run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: ctx, timeoutMs: 300_000 });
    if (prune.code !== 0) throw new CliError(`npm prune failed:\n${prune.stderr}`);
    await writeFile(stamp, lockHash);
  }
  const tools = await stageTools(ctx);
  const dist = path.join(repoRoot, 'dist');
  const inputs = await inputHash([lockHash, await imageId(base), await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8'), tools], dist, shipped);
  if ((await imageLabel(KUBEMU_IMAGE, HASH_LABEL)) === inputs) {
    say(`  ${KUBEMU_IMAGE} is up to date (hash ${inputs})`);
    return;
  }
  await rm(path.join(ctx, 'dist'), { recursive: true, force: true });
  await cp(dist, path.join(ctx, 'dist'), { recursive: true, filter: shipped });
  await cp(path.join(repoRoot, 'Dockerfile'), path.join(ctx, 'Dockerfile'));
  const build = await run('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${base}`, '--label', 'io.kubemu.cluster=kubemu', '--label', `${HASH_LABEL}=${inputs}`, '-t', KUBEMU_IMAGE, ctx], { timeoutMs: 600_000 });
  if (build.code !== 0) throw new CliError(`docker build failed:\n${build.stderr}`);
  say(`  ${KUBEMU_IMAGE} built on ${base}`);
}

const HASH_LABEL = 'io.kubemu.image.hash';

/**
 * kube-proxy needs `ip` to make the Service range local (ClusterIPs), which the public Node image lacks:
 * the host's static busybox goes into the image's tools/ (on PATH) when there is one. Returns what was staged.
 */
async function stageTools(ctx: string): Promise<string> {
  const dir = path.join(ctx, 'tools');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const which = await run('sh', ['-c', 'command -v busybox'], { timeoutMs: 5_000 });
  const bb = which.stdout.trim();
  if (which.code !== 0 || !bb || (await run('ldd', [bb], { timeoutMs: 5_000 })).code === 0) return 'no static busybox';
  await cp(bb, path.join(dir, 'busybox'));
  await symlink('busybox', path.join(dir, 'ip'));
  const st = await stat(bb);
  return `${bb} ${st.size} ${st.mtimeMs}`;
}

/** What of dist/ goes into the image: no source maps, build info or tests. */
function shipped(src: string): boolean {
  return !src.endsWith('.map') && !src.endsWith('.tsbuildinfo') && !/\.test\.js$/.test(src) && !src.includes(`${path.sep}test${path.sep}`);
}

/** A short hash of `parts` and every shipped file under `dir` (names and contents), in a stable order. */
async function inputHash(parts: string[], dir: string, keep: (p: string) => boolean): Promise<string> {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  const names = (await readdir(dir, { recursive: true })).map((rel) => path.join(dir, rel)).filter(keep).sort();
  for (const f of names) {
    if (!(await stat(f)).isFile()) continue;
    h.update(path.relative(dir, f)).update('\0').update(await readFile(f)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

async function imageId(image: string): Promise<string> {
  const r = await run('docker', ['image', 'inspect', '-f', '{{.Id}}', image], { timeoutMs: 15_000 });
  return r.code === 0 ? r.stdout.trim() : '';
}

async function imageLabel(image: string, label: string): Promise<string> {
  const r = await run('docker', ['image', 'inspect', '-f', `{{index .Config.Labels "${label}"}}`, image], { timeoutMs: 15_000 });
  return r.code === 0 ? r.stdout.trim() : '';
}
