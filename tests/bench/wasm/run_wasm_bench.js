#!/usr/bin/env node
// The WebAssembly bench: messages/s of the duplex wasm client
// (tests/bench/wasm_bench_client.cpp) in headless Chromium beside the page's
// own JavaScript WebSocket (js_client.js), same page, same bench echo server,
// runs interleaved (JS, wasm, JS, wasm, ...). Prints a markdown table of the
// medians (messages/s, wasm ÷ JS, the page main thread's CPU µs per echo).
// Called by tools/bench.sh; see tests/bench/README.md.
//
//   node tests/bench/wasm/run_wasm_bench.js --server build/bench/tests/bench/bench_echo_server \
//     --wasm-dir build/bench-wasm [--runs 5] [--smoke] [--port 9321] [--chromium PATH] [--profile DIR]
//     [--filter TEXT]
//
// --filter TEXT: only the workloads whose "id description" contains TEXT.
// --profile DIR: after the table, one more wasm and JS run of each workload
// under the DevTools CPU profiler; writes DIR/<workload>-<client>.cpuprofile
// (open in Chromium's DevTools) and prints the top self-time functions.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..', '..');
const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(root, 'tests', 'peers')] }));

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding'];
const RUN_TIMEOUT_MS = 120000;
const KiB = 1024;

/// [id, description, params]; `warmup` echoes are not timed, `msgs` are.
function workloads(smoke, filter) {
  const n = (full, small) => (smoke ? small : full);
  return [
    ['W1', '1 conn ping-pong 16 B', { conns: 1, size: 16, text: false, warmup: n(500, 20), msgs: n(10000, 200) }],
    ['W1', '1 conn ping-pong 64 KiB', { conns: 1, size: 64 * KiB, text: false, warmup: n(50, 5), msgs: n(500, 20) }],
    ['W2', '100 conns ping-pong 16 B', { conns: n(100, 10), size: 16, text: false, warmup: n(2000, 20),
      msgs: n(20000, 200) }],
    ['W4', '1 conn ping-pong 16 B text', { conns: 1, size: 16, text: true, warmup: n(500, 20), msgs: n(10000, 200) }],
    ['W4', '100 conns ping-pong 1 KiB text', { conns: n(100, 10), size: KiB, text: true, warmup: n(2000, 20),
      msgs: n(20000, 200) }],
  ].filter(([id, desc]) => `${id} ${desc}`.includes(filter));
}

function parseArgs(argv) {
  const o = { server: null, wasmDir: null, runs: 5, smoke: false, port: 9321, profile: null, filter: '',
    chromium: process.env.DUPLEX_CHROMIUM || '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${argv[i]}`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--server': o.server = path.resolve(value()); break;
      case '--wasm-dir': o.wasmDir = path.resolve(value()); break;
      case '--runs': o.runs = Number(value()); break;
      case '--smoke': o.smoke = true; break;
      case '--port': o.port = Number(value()); break;
      case '--chromium': o.chromium = value(); break;
      case '--profile': o.profile = path.resolve(value()); break;
      case '--filter': o.filter = value(); break;
      default: usage(`unknown argument: ${argv[i]}`);
    }
  }
  if (!o.server || !o.wasmDir) usage('--server and --wasm-dir are required');
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs needs a positive integer');
  if (o.smoke) o.runs = 1;
  for (const f of [o.server, path.join(o.wasmDir, 'wasm_bench_client.wasm'), o.chromium]) {
    if (!fs.existsSync(f)) usage(`${f} does not exist`);
  }
  return o;
}

function usage(message) {
  process.stderr.write(`run_wasm_bench: ${message}\n` +
    'usage: node tests/bench/wasm/run_wasm_bench.js --server BIN --wasm-dir DIR [--runs N] [--smoke] ' +
    '[--port P] [--chromium PATH] [--profile DIR] [--filter TEXT]\n');
  process.exit(2);
}

/// bench_echo_server on ports P..P+1, pinned to CPU 0 like run_bench.py's.
function startEchoServer(bin, port) {
  const server = childProcess.spawn(bin, ['--port', String(port), '--cpu', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench_echo_server did not start in 10 s')), 10000);
    server.on('exit', (code) => reject(new Error(`bench_echo_server exited with ${code}`)));
    server.stdout.once('data', () => {
      clearTimeout(timer);
      server.removeAllListeners('exit');
      resolve(server);
    });
  });
}

/// Serves the page (this directory) and the compiled client (wasmDir) on an
/// ephemeral port. Cross-origin isolated, so performance.now() is not coarsened.
function startPageServer(wasmDir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const files = {
    '/': path.join(__dirname, 'index.html'),
    '/js_client.js': path.join(__dirname, 'js_client.js'),
    '/bench_page.js': path.join(__dirname, 'bench_page.js'),
    '/wasm_bench_client.js': path.join(wasmDir, 'wasm_bench_client.js'),
    '/wasm_bench_client.wasm': path.join(wasmDir, 'wasm_bench_client.wasm'),
  };
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url, 'http://localhost').pathname];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'text/html; charset=utf-8',
      'Cache-Control': 'no-store', 'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/// CPU seconds the page's main thread has used (DevTools Performance metrics).
async function threadTime(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ThreadTime').value;
}

/// One run of `client` in the page; resolves with {rate: messages/s of the
/// timed phase, cpu: main-thread CPU µs per echo over the whole run}, or throws.
async function runOnce(page, cdp, client, port, params) {
  const cpu0 = await threadTime(cdp);
  const result = await page.evaluate(([c, p, timeout]) => Promise.race([benchRun(c, p),
    new Promise((resolve) => setTimeout(() => resolve({ error: `no result in ${timeout / 1000} s` }), timeout))]),
  [client, { port: port + 1, ...params }, RUN_TIMEOUT_MS]);
  if (result.error) throw new Error(`${client}: ${result.error}`);
  const cpu = ((await threadTime(cdp)) - cpu0) * 1e6 / (params.warmup + params.msgs);
  return { rate: result.msgs / (result.ms / 1000), cpu };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en-US').replace(/,/g, ' ');

/// The CPU profile of one run, summarized: the functions with the most self
/// time (sample time deltas summed, µs per echo; idle left out), and totals
/// for wasm code, the emscripten JS glue, other JS and the host's own work.
async function profileRun(page, cdp, client, port, params, file) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 20 });
  await cdp.send('Profiler.start');
  await runOnce(page, cdp, client, port, params);
  const { profile } = await cdp.send('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map(), groups = new Map();
  const add = (m, k, us) => m.set(k, (m.get(k) || 0) + us);
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame, us = profile.timeDeltas[i + 1] || 0;
    if (f.functionName === '(idle)') return;
    const file = path.basename(f.url || '');
    add(self, `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`, us);
    add(groups, file.endsWith('.wasm') ? 'wasm code' : file.startsWith('wasm_bench_client') ? 'emscripten JS glue'
      : file ? 'page JS' : f.functionName.startsWith('(') ? f.functionName : 'host builtins (send, encodeInto, ...)', us);
  });
  const echoes = params.warmup + params.msgs;
  const line = ([k, us]) => `    ${(us / echoes).toFixed(2).padStart(6)} µs/echo  ${k}`;
  return [...[...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(line), '    -- totals:',
    ...[...groups].sort((a, b) => b[1] - a[1]).map(line)].join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const echo = await startEchoServer(o.server, o.port);
  process.on('exit', () => echo.kill('SIGTERM'));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  const pageServer = await startPageServer(o.wasmDir);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-bench-chromium-'));
  let context = null;
  let failures = 0;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: o.chromium, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 });
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`http://127.0.0.1:${pageServer.address().port}/`);
    await page.evaluate(() => wasmReady);
    console.log(`# Chromium ${context.browser()?.version() ?? ''}, ${o.runs} run(s) of each client, interleaved ` +
      'JS, wasm, JS, ...; medians');
    console.log('| W | workload | JS msgs/s | wasm msgs/s | wasm ÷ JS | wasm ÷ JS per run | JS CPU µs/msg | ' +
      'wasm CPU µs/msg |');
    console.log('|---|---|---:|---:|---:|---|---:|---:|');
    const goals = [];
    for (const [id, desc, params] of workloads(o.smoke, o.filter)) {
      const runs = { js: [], wasm: [] };
      try {
        // One short untimed run of each first: the page's code warm (wasm tiers up, JIT).
        const warm = { ...params, msgs: Math.max(20, Math.round(params.msgs / 5)) };
        if (!o.smoke) for (const c of ['js', 'wasm']) await runOnce(page, cdp, c, o.port, warm);
        for (let r = 0; r < o.runs; ++r) {
          for (const c of ['js', 'wasm']) runs[c].push(await runOnce(page, cdp, c, o.port, params));
        }
      } catch (err) {
        ++failures;
        process.stderr.write(`${id} ${desc}: ${err.message}\n`);
        continue;
      }
      const js = median(runs.js.map((r) => r.rate)), wasm = median(runs.wasm.map((r) => r.rate)), ratio = wasm / js;
      const cpu = (c) => median(runs[c].map((r) => r.cpu)).toFixed(1);
      const perRun = runs.wasm.map((w, i) => (w.rate / runs.js[i].rate).toFixed(2)).join(' ');
      console.log(`| ${id} | ${desc} | ${fmt(js)} | ${fmt(wasm)} | ${ratio.toFixed(2)} | ${perRun} | ${cpu('js')} | ` +
        `${cpu('wasm')} |`);
      goals.push(`  ${id} ${desc}: wasm ÷ JS ${ratio.toFixed(2)} (≥ 0.9): ${ratio >= 0.9 ? 'holds' : 'MISSED'}`);
    }
    console.log('\nGoals (medians):');
    for (const g of goals) console.log(g);

    if (o.profile) {
      fs.mkdirSync(o.profile, { recursive: true });
      for (const [id, desc, params] of workloads(o.smoke, o.filter)) {
        for (const c of ['wasm', 'js']) {
          const file = path.join(o.profile, `${id}-${desc.replace(/[^A-Za-z0-9]+/g, '_')}-${c}.cpuprofile`);
          console.log(`\n${id} ${desc}, ${c}: self time (${file})`);
          console.log(await profileRun(page, cdp, c, o.port, params, file));
        }
      }
    }
  } finally {
    if (context) await context.close().catch(() => {});
    pageServer.close();
    echo.kill('SIGTERM');
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`run_wasm_bench: ${err.stack || err.message}\n`);
  process.exit(1);
});
