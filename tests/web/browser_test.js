#!/usr/bin/env node
// The browser demo in a real browser: headless Chromium (Debian's) driven by
// playwright-core loads the page from web/server.js, sends a text and checks
// its echo, draws on the canvas, sends the picture and checks that the echoed
// pixels equal the drawn ones, closes with 1000 and checks the status line.
//
// Usage:
//   node tests/web/browser_test.js --build-dir DIR [--screenshot FILE] [--chromium PATH]
//
// DIR holds the compiled page (demo_page.js, demo_page.wasm). The screenshot
// (default DIR/demo.png) shows the page at the end. Prints one line per check
// and last `N passed, M failed`; exits 0 only when every check passed.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { defaultChromiumPath, launchChromium } = require('./chromium');

const root = path.join(__dirname, '..', '..');
const WAIT_MS = 15000;
const WATCHDOG_MS = 120000;
const TEXT = 'héllo, duplex ✓ — привет, Ωμέγα, 𝔡𝔲𝔭𝔩𝔢𝔵';  // 2-, 3- and 4-byte UTF-8

function parseArgs(argv) {
  const opts = { buildDir: null, screenshot: null, chromium: defaultChromiumPath() };
  for (let i = 0; i < argv.length; ++i) {
    const value = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${argv[i]}`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--build-dir': opts.buildDir = path.resolve(value()); break;
      case '--screenshot': opts.screenshot = path.resolve(value()); break;
      case '--chromium': opts.chromium = value(); break;
      default: usage(`unknown argument: ${argv[i]}`);
    }
  }
  if (!opts.buildDir) usage('--build-dir DIR is required');
  opts.screenshot = opts.screenshot || path.join(opts.buildDir, 'demo.png');
  return opts;
}

function usage(message) {
  process.stderr.write(`browser_test: ${message}\n` +
    'usage: node tests/web/browser_test.js --build-dir DIR [--screenshot FILE] [--chromium PATH]\n');
  process.exit(2);
}

// Starts web/server.js on an ephemeral port; resolves with {process, port}.
function startServer(buildDir) {
  const server = childProcess.spawn(process.execPath,
    [path.join(root, 'web', 'server.js'), '--build-dir', buildDir, '--port', '0', '--exit-with-stdin'],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('web/server.js printed no LISTENING line in 10 s')), 10000);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web/server.js exited with status ${code} before listening`));
    });
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^LISTENING (\d+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        server.removeAllListeners('exit');
        resolve({ process: server, port: Number(match[1]) });
      }
    });
  });
}

function stopServer(server) {
  if (!server || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 3000);
    server.on('exit', () => { clearTimeout(timer); resolve(); });
    server.kill('SIGTERM');
  });
}

// Draws three strokes (two colours, with curves) on the #drawing canvas.
async function draw(page) {
  const box = await page.locator('#drawing').boundingBox();
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
  const stroke = async (points) => {
    await page.mouse.move(...at(...points[0]));
    await page.mouse.down();
    for (const point of points.slice(1)) await page.mouse.move(...at(...point), { steps: 8 });
    await page.mouse.up();
  };
  await stroke([[0.1, 0.2], [0.3, 0.8], [0.5, 0.2], [0.7, 0.8], [0.9, 0.2]]);
  await page.click('.swatch[aria-label="red"]');
  await stroke([[0.15, 0.5], [0.5, 0.6], [0.85, 0.5]]);
  await page.click('.swatch[aria-label="blue"]');
  await stroke([[0.5, 0.1], [0.52, 0.9]]);
}

// Pixels of the two canvases, compared in the page: exact equality of getImageData.
function comparePixels(page) {
  return page.evaluate(() => {
    const read = (id) => {
      const canvas = document.getElementById(id);
      return { width: canvas.width, height: canvas.height,
        data: canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data };
    };
    const source = read('drawing');
    const echo = read('echo-canvas');
    let differing = 0;
    let inked = 0;
    for (let i = 0; i < source.data.length; i += 4) {
      if (source.data[i] !== 255 || source.data[i + 1] !== 255 || source.data[i + 2] !== 255) ++inked;
      for (let c = 0; c < 4; ++c) {
        if (source.data[i + c] !== echo.data[i + c]) { ++differing; break; }
      }
    }
    return { source: [source.width, source.height], echo: [echo.width, echo.height],
      pixels: source.data.length / 4, inked, differing };
  });
}

const statusText = (page) => page.locator('#status').innerText();

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  let server = null;
  let browser = null;
  const pageErrors = [];
  const consoleLines = [];

  // Rejects at the page's first uncaught exception: a check fails at once
  // instead of waiting for its timeout.
  let onPageError = null;
  const pageError = new Promise((resolve, reject) => { onPageError = reject; });
  pageError.catch(() => {});

  const check = async (name, body) => {
    const t0 = Date.now();
    try {
      const detail = await Promise.race([body(), pageError]);
      ++passed;
      console.log(`ok   ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - t0} ms)`);
    } catch (err) {
      ++failed;
      console.log(`FAIL ${name}: ${err.message}`);
      throw err;
    }
  };

  const watchdog = setTimeout(() => {
    console.log(`FAIL the browser test did not finish in ${WATCHDOG_MS / 1000} s`);
    if (server) server.process.kill('SIGKILL');
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, WATCHDOG_MS);

  let page = null;
  try {
    await check('server and browser start', async () => {
      server = await startServer(opts.buildDir);
      browser = await launchChromium({ executablePath: opts.chromium, viewport: { width: 820, height: 900 } });
      page = browser.page;
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => {
        pageErrors.push(`page error: ${err.message}`);
        onPageError(new Error(`uncaught exception in the page: ${err.message}`));
      });
      page.on('console', (msg) => {
        consoleLines.push(`console.${msg.type()}: ${msg.text()}`);
        if (msg.type() === 'error') pageErrors.push(`console error: ${msg.text()}`);
      });
      return `server pid ${server.process.pid} port ${server.port}, ${browser.version}`;
    });

    const url = `http://127.0.0.1:${server.port}/`;
    await check('page loads and the socket opens', async () => {
      await page.goto(url);
      await page.locator('#state', { hasText: /^OPEN$/ }).waitFor();
      return url;
    });

    await check('text message echoes (non-ASCII)', async () => {
      await page.fill('#message', TEXT);
      await page.click('#send-text');
      await page.waitForFunction((text) => document.getElementById('echo-text').textContent === text, TEXT);
      return JSON.stringify(TEXT);
    });

    await check('drawing with the mouse inks the canvas', async () => {
      await draw(page);
      const { inked, pixels } = await comparePixels(page);
      if (inked < 500) throw new Error(`only ${inked} of ${pixels} pixels are not white`);
      return `${inked} of ${pixels} pixels inked`;
    });

    await check('drawing echoes as binary and the echoed pixels equal the drawn ones', async () => {
      await page.click('#send-drawing');
      await page.locator('#echo-canvas-note', { hasText: /^echo:/ }).waitFor();
      const result = await comparePixels(page);
      if (result.source.join() !== result.echo.join()) {
        throw new Error(`canvas sizes differ: drawn ${result.source.join('x')}, echoed ${result.echo.join('x')}`);
      }
      if (result.differing !== 0) throw new Error(`${result.differing} of ${result.pixels} pixels differ`);
      return `${result.pixels} pixels equal, ${await page.locator('#echo-canvas-note').innerText()}`;
    });

    await check('status line shows CONNECTING and OPEN', async () => {
      const text = await statusText(page);
      for (const expected of ['→ CONNECTING', 'CONNECTING → OPEN']) {
        if (!text.includes(expected)) throw new Error(`status has no "${expected}":\n${text}`);
      }
    });

    await check('close(1000) shows CLOSING, CLOSED and code 1000', async () => {
      await page.click('#close');
      await page.locator('#state', { hasText: /^CLOSED$/ }).waitFor();
      const text = await statusText(page);
      for (const expected of ['OPEN → CLOSING', 'CLOSING → CLOSED', 'code 1000', 'clean']) {
        if (!text.includes(expected)) throw new Error(`status has no "${expected}":\n${text}`);
      }
      return text.split('\n').filter((line) => line.includes('CLOSED')).join('');
    });

    await check('screenshot saved', async () => {
      fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
      await page.screenshot({ path: opts.screenshot, fullPage: true });
      return opts.screenshot;
    });

    await check('"Connect again" opens a new socket', async () => {
      await page.click('#connect');
      await page.locator('#state', { hasText: /^OPEN$/ }).waitFor();
      const text = await statusText(page);
      if (!/CLOSED[^\n]*\n[^\n]*→ CONNECTING[^\n]*\n[^\n]*CONNECTING → OPEN/.test(text)) {
        throw new Error(`status does not show CLOSED, then CONNECTING → OPEN again:\n${text}`);
      }
    });

    await check('no page or console errors', async () => {
      if (pageErrors.length) throw new Error(pageErrors.join('; '));
    });
  } catch (err) {
    if (failed === 0) {
      ++failed;
      console.log(`FAIL ${err.message}`);
    }
    for (const line of consoleLines) console.log(`  ${line}`);
    if (page) {
      const status = await page.locator('#status').innerText({ timeout: 1000 }).catch(() => '');
      if (status) console.log(`  status line:\n    ${status.split('\n').join('\n    ')}`);
      await page.screenshot({ path: opts.screenshot, fullPage: true }).then(
        () => console.log(`the page at the failure: ${opts.screenshot}`), () => {});
    }
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close();
    await stopServer(server && server.process);
  }
  console.log(`browser test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(`FAIL ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
