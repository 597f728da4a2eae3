// Debian's firefox-esr, headless, driven over WebDriver BiDi with the npm `ws`
// package of tests/peers: no browser driver package, no browser download.
//
//   const firefox = await launchFirefox({ executable: '/usr/bin/firefox-esr' });
//   await firefox.open(url, { onConsole: (text, level) => ..., onError: (text) => ... });
//   await firefox.close();
//
// Firefox runs with a fresh profile (and HOME) in a temporary directory, with
// the preferences and environment that keep it off the network: only
// 127.0.0.1 is reached (MOZ_DISABLE_NONLOCAL_CONNECTIONS makes Firefox honour
// the remote-settings override). It is started in a process group of its own
// and killed as a group: killing its first process alone leaves the content
// processes behind.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const WebSocket = require(require.resolve('ws', { paths: [path.join(__dirname, '..', 'peers')] }));

const PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.page': 0,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.sessionstore.resume_from_crash': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'app.update.disabledForTesting': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'messaging-system.rsexperimentloader.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.update.enabled': false,
};

/// Starts `executable`; resolves once its stderr names the BiDi endpoint.
function startFirefox(executable, dir, startTimeoutMs) {
  const profile = path.join(dir, 'profile');
  fs.mkdirSync(profile);
  fs.writeFileSync(path.join(profile, 'user.js'),
    Object.entries(PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''));
  const child = childProcess.spawn(executable,
    ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,  // a process group of its own, killed whole
      env: {
        ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.config'), XDG_CACHE_HOME: path.join(dir, '.cache'),
        MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1', MOZ_CRASHREPORTER_DISABLE: '1',
      },
    });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${executable}: no "WebDriver BiDi listening" line within ${startTimeoutMs} ms: ${err}`));
    }, startTimeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${executable} exited (${code}): ${err}`)); });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      resolve({ child, endpoint: match[1] });
    });
  });
}

function killGroup(child) {
  try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { /* already gone */ }
}

/// A BiDi session: send(method, params) resolves with the command's result.
async function connect(endpoint, onEvent) {
  const socket = new WebSocket(`${endpoint}/session`);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 0;
  const pending = new Map();
  socket.on('message', (data) => {
    const msg = JSON.parse(data);
    if (msg.id === undefined) return onEvent(msg);
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.type === 'error') waiter.reject(new Error(`${msg.error}: ${msg.message}`));
    else waiter.resolve(msg.result);
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('the BiDi connection closed'));
    pending.clear();
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  return { send, socket };
}

/// Launches Firefox; the returned object opens pages and closes everything.
async function launchFirefox({ executable = '/usr/bin/firefox-esr', startTimeoutMs = 60000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-firefox-'));
  let child = null;
  let session = null;
  const handlers = { onConsole: () => {}, onError: () => {} };
  const close = async () => {
    if (session) session.socket.terminate();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(child);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await startFirefox(executable, dir, startTimeoutMs);
    child = started.child;
    session = await connect(started.endpoint, (msg) => {
      if (msg.method !== 'log.entryAdded') return;
      const entry = msg.params;
      // A JavaScript error (uncaught exception) is type "javascript"; console.* calls are "console".
      if (entry.type === 'javascript') handlers.onError(entry.text);
      else handlers.onConsole(entry.text, entry.level);
    });
    const created = await session.send('session.new', { capabilities: {} });
    await session.send('session.subscribe', { events: ['log.entryAdded'] });
    const context = (await session.send('browsingContext.getTree', {})).contexts[0].context;
    return {
      version: created.capabilities.browserVersion,
      /// Loads `url` (resolves once its load event fired); console lines and
      /// page errors go to the handlers from then on.
      async open(url, { onConsole, onError } = {}) {
        handlers.onConsole = onConsole || (() => {});
        handlers.onError = onError || (() => {});
        await session.send('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      /// Evaluates `expression` in the page; resolves with its (serialized) value.
      async evaluate(expression) {
        const result = await session.send('script.evaluate',
          { expression, target: { context }, awaitPromise: true });
        if (result.type === 'exception') throw new Error(result.exceptionDetails.text);
        return result.result.value;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

module.exports = { launchFirefox };
