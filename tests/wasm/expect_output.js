#!/usr/bin/env node
// Runs a command (a WebAssembly program in node, or run_with_peers.js with
// one) and checks what it did that its own exit status cannot tell: that it
// exited with an expected status, and that a line was written exactly so many
// times to stdout or stderr. Passes the command's output through, then exits
// 0 if every check holds, else 1 naming each that failed.
//
// Usage: node expect_output.js [--status N] [--count stdout|stderr N TEXT]... -- command [args...]
//   --status N               the command's exit status must be N (default 0)
//   --count STREAM N TEXT    lines of STREAM containing TEXT: exactly N
'use strict';

const { spawn } = require('child_process');

function usage(message) {
  process.stderr.write(`expect_output: ${message}\n` +
    'usage: expect_output.js [--status N] [--count stdout|stderr N TEXT]... -- command [args...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const spec = { status: 0, counts: [], command: null };
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; ++i) {
    if (argv[i] === '--status' && i + 1 < argv.length) {
      spec.status = Number(argv[++i]);
    } else if (argv[i] === '--count' && i + 3 < argv.length) {
      const [stream, n, text] = argv.slice(i + 1, i + 4);
      if (stream !== 'stdout' && stream !== 'stderr') usage(`--count: unknown stream ${stream}`);
      spec.counts.push({ stream, n: Number(n), text });
      i += 3;
    } else {
      usage(`unknown or incomplete argument ${argv[i]}`);
    }
  }
  spec.command = argv.slice(i + 1);
  if (!spec.command.length) usage('no command after --');
  if (!Number.isInteger(spec.status)) usage('--status needs an integer');
  return spec;
}

function main() {
  const spec = parseArgs(process.argv.slice(2));
  const output = { stdout: '', stderr: '' };
  const child = spawn(spec.command[0], spec.command.slice(1), { stdio: ['inherit', 'pipe', 'pipe'] });
  for (const stream of ['stdout', 'stderr']) {
    child[stream].on('data', (chunk) => {
      output[stream] += chunk;
      process[stream].write(chunk);
    });
  }
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => usage(`cannot run ${spec.command[0]}: ${err.message}`));
  child.on('close', (code, signal) => {
    const failures = [];
    if (code !== spec.status) {
      failures.push(`exit status ${code === null ? `(signal ${signal})` : code}, expected ${spec.status}`);
    }
    for (const { stream, n, text } of spec.counts) {
      const seen = output[stream].split('\n').filter((line) => line.includes(text)).length;
      if (seen !== n) failures.push(`${seen} line(s) of ${stream} contain "${text}", expected ${n}`);
    }
    for (const failure of failures) process.stderr.write(`expect_output: FAILED: ${failure}\n`);
    process.exit(failures.length ? 1 : 0);
  });
}

main();
