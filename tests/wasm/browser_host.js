// Runs a WebAssembly test program (an emscripten .js + .wasm pair) in a page
// of a headless browser, where the WebSocket is the browser's own:
//   chromium  Debian's chromium, driven by npm playwright-core (tests/web/chromium.js)
//   firefox   Debian's firefox-esr, driven over WebDriver BiDi (tests/web/firefox_bidi.js)
//
// Usage: node browser_host.js --browser chromium|firefox [--cross-origin-isolated] <test.js> [test arguments...]
//   --cross-origin-isolated  serve the page with COOP/COEP headers, so that it
//                            has SharedArrayBuffer (programs built with -pthread)
//
// run_with_peers.js --host chromium|firefox runs it in a child node without
// its own node flags: those are for emscripten programs in node, and some
// (e.g. --no-experimental-fetch) break playwright. The page's environment is
// every DUPLEX_* variable of this process. It exits with the program's
// status, and stops the browser on SIGTERM/SIGINT or when its stdin, a pipe,
// reaches EOF (the launcher died).
//
// The page (test_page.js) prints through console messages, written here to
// stdout and stderr, and reports the program's exit and aborts as console
// lines of its own (test_page.js's EXIT_MARK, ABORT_MARK). The program ends
// with emscripten_force_exit(status) (catch_main_wasm.cpp): runInBrowser
// resolves with that status. An abort, an uncaught exception in the page, a
// crash, the watchdog or the caller's signal resolve with 1 and a line saying
// which.
'use strict';

const fs = require('fs');
const path = require('path');
const { launchChromium } = require('../web/chromium');
const { launchFirefox } = require('../web/firefox_bidi');
const { serveTestPage, EXIT_MARK, ABORT_MARK } = require('./test_page');

const BROWSERS = ['chromium', 'firefox'];

/// Opens `url` in `browser`; page events go to `on` ({console(text, isError),
/// pageError(text), crash()}). Resolves with {close}.
async function openPage(browser, url, on) {
  if (browser === 'firefox') {
    const firefox = await launchFirefox();
    try {
      // Firefox logs a failed WebSocket connection as a JavaScript error
      // ("can't establish a connection"): it goes to stderr, and uncaught
      // exceptions are told by the page itself (test_page.js).
      await firefox.open(url, {
        onConsole: (text, level) => on.console(text, level === 'error' || level === 'warn'),
        onError: (text) => on.console(text, true),
      });
    } catch (err) {
      await firefox.close();
      throw err;
    }
    return { close: () => firefox.close() };
  }
  const chromium = await launchChromium({ handleSignals: false });
  const { page } = chromium;
  page.on('console', (msg) => on.console(msg.text(), msg.type() !== 'log' && msg.type() !== 'info'));
  page.on('pageerror', (err) => on.pageError(err.stack || String(err)));
  page.on('crash', () => on.crash());
  try {
    await page.goto(url, { timeout: 60000 });
  } catch (err) {
    await chromium.close();
    throw err;
  }
  // A round trip to the page before closing, so that console messages sent
  // before the exit have been written.
  return { close: async () => { await page.evaluate(() => 0).catch(() => {}); await chromium.close(); } };
}

/// Runs `testJs` with `args` (its command line) and `env` (its environment) in
/// a page of `browser`; resolves with its exit status. Everything it started
/// is stopped before it resolves, also on failure or when `signal` (an
/// AbortSignal) aborts.
async function runInBrowser({ browser, testJs, args, env, signal, isolated = false, watchdogMs = 240000 }) {
  const scriptName = path.basename(testJs);
  const server = await serveTestPage(testJs, { arguments: args, env }, { isolated });
  const fail = (message) => {
    process.stderr.write(`browser_host (${browser}): ${message}\n`);
    return 1;
  };
  let page = null;
  let watchdog = null;
  try {
    // Only the first outcome counts: e.g. emscripten may throw its ExitStatus
    // after onExit, which the page reports as an uncaught exception.
    let settle;
    const outcome = new Promise((resolve) => { settle = resolve; });
    const on = {
      console: (text, isError) => {
        if (text.startsWith(EXIT_MARK)) return settle(() => Number(text.slice(EXIT_MARK.length)));
        if (text.startsWith(ABORT_MARK)) return settle(() => fail(`the program aborted: ${text.slice(ABORT_MARK.length)}`));
        (isError ? process.stderr : process.stdout).write(`${text}\n`);
      },
      pageError: (text) => settle(() => fail(`uncaught exception in the page: ${text}`)),
      crash: () => settle(() => fail('the page crashed')),
    };
    const stop = () => settle(() => fail(`stopped (${signal.reason})`));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    watchdog = setTimeout(() => settle(() => fail(
      `${scriptName} did not exit within ${watchdogMs / 1000} s in ${browser} (watchdog)`)), watchdogMs);
    const opening = openPage(browser, server.url, on).then((opened) => { page = opened; },
      (err) => settle(() => fail(`cannot load the page: ${err.message}`)));
    const status = (await outcome)();
    // The program may end before its page has finished loading: let the
    // opening settle (both drivers time out), so that the browser is closed.
    await Promise.race([opening, new Promise((resolve) => setTimeout(resolve, 90000))]);
    return status;
  } catch (err) {
    return fail(`cannot run ${scriptName}: ${err.message}`);
  } finally {
    clearTimeout(watchdog);
    if (page) await page.close();
    server.close();
  }
}

function main() {
  const argv = process.argv.slice(2);
  const browser = argv[0] === '--browser' ? argv[1] : null;
  let rest = browser ? argv.slice(2) : argv;
  const isolated = rest[0] === '--cross-origin-isolated';
  if (isolated) rest = rest.slice(1);
  const [testJs, ...args] = rest;
  if (!BROWSERS.includes(browser) || !testJs) {
    process.stderr.write(`usage: browser_host.js --browser ${BROWSERS.join('|')} [--cross-origin-isolated] <test.js> [args...]\n`);
    process.exit(2);
  }
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('DUPLEX_')) env[name] = value;
  }
  const stop = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => stop.abort(sig));
  // node's spawn() makes a 'pipe' stdin a socket pair, a shell a FIFO.
  const stdin = fs.fstatSync(0);
  if (stdin.isFIFO() || stdin.isSocket()) {
    process.stdin.on('end', () => stop.abort('the launcher has gone'));
    process.stdin.on('error', () => stop.abort('the launcher has gone'));
    process.stdin.resume();
  }
  runInBrowser({ browser, testJs, args, env, isolated, signal: stop.signal }).then((status) => process.exit(status));
}

if (require.main === module) main();

module.exports = { runInBrowser, BROWSERS };
