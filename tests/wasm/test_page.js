// The page a browser host runs a WebAssembly test program in, and the http
// server that serves it with the program's .js and .wasm.
//
// The page hands the program its command line (Module.arguments), its
// environment (Module.env, copied into ENV by host_env_pre.js), print and
// printErr as console.log / console.error, and reports the program's exit
// (Module.onExit) and abort (Module.onAbort) as console lines starting with
// EXIT_MARK and ABORT_MARK: every browser driver sees console lines.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const EXIT_MARK = 'duplex-test-page: exit ';
const ABORT_MARK = 'duplex-test-page: abort ';

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

// The page: a Module object the emscripten program picks up (it starts with
// `var Module = typeof Module != 'undefined' ? Module : {}`), then the program.
function pageHtml(scriptName, config) {
  // '<' escaped so that no argument can end the inline script.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${scriptName}</title>
<script>
  var config = ${json};
  var marks = ${JSON.stringify({ exit: EXIT_MARK, abort: ABORT_MARK })};
  // An uncaught exception ends the test: reported the way every driver sees.
  window.addEventListener('error', function(e) { console.info(marks.abort + 'uncaught exception: ' + e.message); });
  var Module = {
    arguments: config.arguments,
    env: config.env,
    print: function(text) { console.log(text); },
    printErr: function(text) { console.error(text); },
    onExit: function(status) { console.info(marks.exit + status); },
    onAbort: function(what) { console.info(marks.abort + String(what)); },
  };
</script>
<script src="${scriptName}"></script>
`;
}

/// Serves on 127.0.0.1 (an ephemeral port) `/`, a page that runs the program
/// `testJs` with `config` ({arguments, env}), and the program's .js, .wasm and
/// .worker.js (emscripten before 4 writes one for -pthread), nothing else.
/// `isolated`: every response carries the headers that make the page cross-origin
/// isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-
/// Policy: require-corp), without which a page has no SharedArrayBuffer and
/// a program built with -pthread cannot start. Resolves with {url, close}.
async function serveTestPage(testJs, config, { isolated = false } = {}) {
  const html = pageHtml(path.basename(testJs), config);
  const dir = path.dirname(path.resolve(testJs));
  const base = path.basename(testJs, '.js');
  const files = new Set([`${base}.js`, `${base}.wasm`, `${base}.worker.js`]);
  const isolation = isolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server = http.createServer((req, res) => {
    let name = null;
    try {
      name = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname.slice(1));
    } catch (err) {
      name = null;  // a malformed path: 404
    }
    if (name === '') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...isolation })
        .end(html);
    } else if (files.has(name)) {
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)], 'Cache-Control': 'no-store', ...isolation });
      fs.createReadStream(path.join(dir, name)).on('error', () => res.destroy()).pipe(res);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => {
      server.closeAllConnections?.();
      server.close();
    },
  };
}

module.exports = { serveTestPage, EXIT_MARK, ABORT_MARK };
