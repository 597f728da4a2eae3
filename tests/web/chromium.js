// Headless Chromium for the tests that run in a browser (tests/web/browser_test.js,
// tests/wasm/browser_host.js): Debian's chromium driven by npm playwright-core
// (tests/peers/node_modules), in a fresh profile that close() removes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..');

// Without the networking flags Chromium's own background connections are
// refused, many at a time, on these machines; QUIC and the GPU are not needed.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/// The Chromium binary: $DUPLEX_CHROMIUM, else Debian's.
function defaultChromiumPath() {
  return process.env.DUPLEX_CHROMIUM || '/usr/bin/chromium';
}

/// Launches Chromium at `executablePath` (default: defaultChromiumPath()) with
/// CHROMIUM_FLAGS and a fresh profile; resolves with {context, page, version,
/// close}. close() ends the browser and removes the profile; it never throws.
/// `handleSignals` false: the caller closes the browser on SIGINT/SIGTERM
/// (by default playwright does, and ends the process). Throws if there is no
/// Chromium there or it does not start.
async function launchChromium({ executablePath = defaultChromiumPath(), viewport, handleSignals = true } = {}) {
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath} (tools/setup.sh installs Debian's chromium package)`);
  }
  const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(root, 'tests', 'peers')] }));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-chromium-'));
  const removeProfile = () => fs.rmSync(userDataDir, { recursive: true, force: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath, headless: true, args: CHROMIUM_FLAGS, viewport, timeout: 30000,
      handleSIGINT: handleSignals, handleSIGTERM: handleSignals, handleSIGHUP: handleSignals,
    });
  } catch (err) {
    removeProfile();
    throw err;
  }
  const page = context.pages()[0] || await context.newPage();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => {});
    removeProfile();
  };
  return { context, page, version: context.browser()?.version() ?? 'chromium', close };
}

module.exports = { CHROMIUM_FLAGS, defaultChromiumPath, launchChromium };
