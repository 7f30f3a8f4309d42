#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './exec.js';
import { cmdDown, cmdKubeconfig, cmdLogs, cmdNode, cmdStatus, cmdUp } from './commands.js';

const USAGE = `kubemu — a Kubernetes cluster emulator on Docker

usage: kubemu <command> [options]

  up                      build images (offline if needed), start the cluster, wait until nodes are Ready,
                          write ./kubeconfig  (KUBEMU_NODES=N for N nodes, default 3)
  down [--volumes]        stop the cluster; --volumes also deletes the etcd data
  status                  components, nodes, pod counts, API and NodePort addresses
  kubeconfig              print the kubeconfig (also written to ./kubeconfig by up)
  logs <component> [-f]   logs of api-server, scheduler, controller-manager, kube-proxy, cluster-dns, etcd or node-N
  node stop <name>        stop one node's kubelet (its pods stay until the node is declared lost)
  node start <name>       start it again
  node add                add one more node to the running cluster
`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return cmdUp(repoRoot);
    case 'down':
      return cmdDown(repoRoot, rest.includes('--volumes') || rest.includes('-v'));
    case 'status':
      return cmdStatus(repoRoot);
    case 'kubeconfig':
      return cmdKubeconfig(repoRoot);
    case 'logs':
      if (!rest[0]) throw new CliError('usage: kubemu logs <component> [-f]', 2);
      return cmdLogs(repoRoot, rest[0], rest.includes('-f') || rest.includes('--follow'));
    case 'node':
      return cmdNode(repoRoot, rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      throw new CliError(`unknown command "${cmd}"\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof CliError) {
      process.stderr.write(`kubemu: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`kubemu: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
