// duplex's binding to the host's WebSocket object (a browser's, or node's with
// `globalThis.WebSocket = require('ws')`): an emscripten --js-library.
//
// Used instead of emscripten's <emscripten/websocket.h> because that one cannot
// send a text message containing U+0000, hands the host views of the wasm heap
// instead of copies, lets the host throw into wasm, and never frees its socket
// table. Here:
//   - sockets live in a Map by integer id; destroying the C++ transport removes
//     the entry and every handler, so nothing leaks and no late event arrives;
//   - every byte crossing the boundary is copied (out of the heap before the
//     host sees it, into a C++-owned std::string before C++ sees it);
//   - every host call is guarded: a surprise becomes a "failed" fact, never a
//     JavaScript exception inside wasm.
// Facts go to C++ through the exported functions of browser_transport.cpp,
// always from a host task (never inside the C++ call that caused them).

var LibraryDuplexWebSocket = {
  $DuplexWs__deps: ['$DuplexWsQueue'],
  // The library object is serialized into the output: a Map is made at startup.
  $DuplexWs__postset: 'DuplexWs.sockets = new Map(); DuplexWs.polled = new Set();',
  $DuplexWs: {
    sockets: null,  // Map: id -> {ws, errored, pending, maxMessage, timers}
    polled: null,   // Set: ids whose host still buffers bytes (see pollBuffered)
    pollTimer: 0,   // the one timer that polls them
    nextId: 1,
    encoder: null,
    decoder: null,
    noop: function() {},

    // A std::string owned by C++, filled with `bytes` (a Uint8Array); returns
    // its handle (0 for empty). HEAPU8 is read after the allocation, which may
    // have grown (and so replaced) the heap.
    newString: function(bytes) {
      if (!bytes || bytes.length === 0) return 0;
      var handle = _duplex_wasm_string_new(bytes.length);
      HEAPU8.set(bytes, _duplex_wasm_string_data(handle));
      return handle;
    },
    newText: function(text) {
      if (!DuplexWs.encoder) DuplexWs.encoder = new TextEncoder();
      return DuplexWs.newString(DuplexWs.encoder.encode(String(text || '')));
    },
    // UTF-8 from the heap with an explicit length: TextDecoder over a copy, so
    // U+0000 survives (UTF8ToString would stop there).
    text: function(ptr, length) {
      if (!DuplexWs.decoder) DuplexWs.decoder = new TextDecoder('utf-8');
      return DuplexWs.decoder.decode(HEAPU8.slice(ptr, ptr + length));
    },

    // Removes every trace of socket `id`: handlers (replaced by a no-op, since
    // the npm ws package, an EventEmitter, throws on an 'error' nobody
    // listens to), timers and the Map entry. Returns the host socket, if any.
    forget: function(id) {
      var entry = DuplexWs.sockets.get(id);
      if (!entry) return null;
      DuplexWs.sockets.delete(id);
      DuplexWs.polled.delete(id);
      for (var t in entry.timers) clearTimeout(entry.timers[t]);
      var ws = entry.ws;
      if (ws) ws.onopen = ws.onmessage = ws.onerror = ws.onclose = DuplexWs.noop;
      return ws;
    },

    failed: function(id, reason) {
      if (!DuplexWs.sockets.has(id)) return;
      var ws = DuplexWs.forget(id);
      if (ws) {
        try { ws.close(); } catch (e) {}
      }
      _duplex_wasm_on_failed(id, DuplexWs.newText(reason));
    },

    // bufferedAmount: the host's counter only falls; report each fall (down to
    // what we handed it) as flushed bytes, and poll while anything is left:
    // one timer for all sockets, since with many sockets a timer each would
    // cost a host task per message sent.
    pollBuffered: function(id) {
      var entry = DuplexWs.sockets.get(id);
      if (!entry || entry.pending === 0) return;
      var now = 0;
      try { now = entry.ws.bufferedAmount; } catch (e) { now = 0; }
      if (now < entry.pending) {
        var delta = entry.pending - now;
        entry.pending = now;
        _duplex_wasm_on_flushed(id, delta);
      }
      if (entry.pending === 0) return;
      DuplexWs.polled.add(id);
      if (!DuplexWs.pollTimer) DuplexWs.pollTimer = setTimeout(DuplexWs.pollAll, 4);
    },
    pollAll: function() {
      DuplexWs.pollTimer = 0;
      var ids = Array.from(DuplexWs.polled);
      DuplexWs.polled.clear();
      DuplexWsQueue.fromHostEvent(function() { ids.forEach(DuplexWs.pollBuffered); });
    },

    // The host's open, message and close events report their fact and then
    // run it from the same host task (DuplexWsQueue.fromHostEvent).
    attach: function(id, entry) {
      var ws = entry.ws;
      var onOpen = function() {
        if (entry.timers.open) { clearTimeout(entry.timers.open); delete entry.timers.open; }
        _duplex_wasm_on_open(id, DuplexWs.newText(ws.protocol), DuplexWs.newText(ws.extensions));
      };
      var onMessage = function(event) {
        DuplexWs.pollBuffered(id);  // a flush the echo proves happened is reported first
        var data = event.data;
        var binary = typeof data !== 'string';
        var bytes;
        if (!binary) {
          if (!DuplexWs.encoder) DuplexWs.encoder = new TextEncoder();
          bytes = DuplexWs.encoder.encode(data);
        } else if (data instanceof ArrayBuffer) {
          bytes = new Uint8Array(data);
        } else if (ArrayBuffer.isView(data)) {
          bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        } else {
          DuplexWs.failed(id, 'the host delivered a message that is neither text nor an ArrayBuffer');
          return;
        }
        // Options::max_message_size, enforced once the host has the whole
        // message but before it is copied into the wasm heap.
        if (bytes.length > entry.maxMessage) {
          DuplexWs.failed(id, 'message of ' + bytes.length + ' bytes exceeds max_message_size (' +
                                  entry.maxMessage + ')');
          return;
        }
        _duplex_wasm_on_message(id, binary ? 1 : 0, DuplexWs.newString(bytes));
      };
      ws.onerror = function(event) {
        // WHATWG: after an error event the host fires close; the failure is
        // reported then, with what close said (a fallback covers hosts that
        // never fire close after an error).
        if (entry.errored !== false) return;
        entry.errored = (event && event.message) ? String(event.message) : '';
        entry.timers.error = setTimeout(function() {
          DuplexWs.failed(id, 'WebSocket error' + (entry.errored ? ': ' + entry.errored : ''));
        }, 1000);
      };
      var onClose = function(event) {
        DuplexWs.pollBuffered(id);
        DuplexWs.forget(id);
        var code = event.code | 0, reason = String(event.reason || '');
        if (entry.errored !== false) {
          // A failed connection: core reports error, then close 1006 (RFC 6455
          // §7.1.5: no Close frame was received). A host that reports another
          // code here (npm ws says 1002/1007/1009, the code it sent) is
          // answered with 1006 as a browser would; its code goes in the message.
          var detail = entry.errored;
          if (code !== 1006 && code !== 0) detail += (detail ? '; ' : '') + 'host close code ' + code;
          if (reason) detail += (detail ? ': ' : '') + reason;
          _duplex_wasm_on_failed(id, DuplexWs.newText('WebSocket error' + (detail ? ' (' + detail + ')' : '')));
          return;
        }
        _duplex_wasm_on_closed(id, event.wasClean ? 1 : 0, code, DuplexWs.newText(reason));
      };
      ws.onopen = function(event) { DuplexWsQueue.fromHostEvent(onOpen, event); };
      ws.onmessage = function(event) { DuplexWsQueue.fromHostEvent(onMessage, event); };
      ws.onclose = function(event) { DuplexWsQueue.fromHostEvent(onClose, event); };
    },
  },

  // Macrotasks for Backend::post(): setImmediate where it exists (node), else a
  // MessageChannel (browsers; setTimeout(0) is clamped to 4 ms when nested).
  $DuplexWsQueue: {
    scheduled: false,
    schedule: null,
    inHostEvent: false,  // inside fromHostEvent's handler
    runWanted: false,    // tasks were queued there: run them at its end

    // Runs a host event's handler, then the tasks it queued, in this same host
    // task: the event is already a task of the host's loop (not a call the
    // application made), so a message reaches onmessage without waiting for
    // one more macrotask. If a macrotask was already scheduled, the tasks wait
    // for it as before, so they keep their order.
    fromHostEvent: function(handler, event) {
      if (DuplexWsQueue.inHostEvent) return handler(event);
      DuplexWsQueue.inHostEvent = true;
      try {
        handler(event);
      } finally {
        DuplexWsQueue.inHostEvent = false;
        if (DuplexWsQueue.runWanted) {
          DuplexWsQueue.runWanted = false;
          _duplex_wasm_run_tasks();
        }
      }
    },
    init: function() {
      var run = function() {
        DuplexWsQueue.scheduled = false;
        _duplex_wasm_run_tasks();
      };
      if (typeof setImmediate === 'function') {
        DuplexWsQueue.schedule = function() { setImmediate(run); };
      } else if (typeof MessageChannel === 'function') {
        var channel = new MessageChannel();
        channel.port1.onmessage = run;
        DuplexWsQueue.schedule = function() { channel.port2.postMessage(0); };
      } else {
        DuplexWsQueue.schedule = function() { setTimeout(run, 0); };
      }
    },
  },

  duplex_ws_schedule_tasks__deps: ['$DuplexWsQueue'],
  duplex_ws_schedule_tasks: function() {
    if (DuplexWsQueue.scheduled) return;
    if (DuplexWsQueue.inHostEvent) {
      DuplexWsQueue.runWanted = true;
      return;
    }
    if (!DuplexWsQueue.schedule) DuplexWsQueue.init();
    DuplexWsQueue.scheduled = true;
    DuplexWsQueue.schedule();
  },

  // Opens a socket; returns its id. A constructor that throws (no WebSocket in
  // this host, a URL the host refuses) is reported as a failure from a later
  // task. `protocols` is the offered list joined with ',' (tokens have none).
  duplex_ws_create__deps: ['$DuplexWs'],
  duplex_ws_create: function(url, urlLength, protocols, protocolsLength, openTimeoutMs, maxMessage) {
    var id = DuplexWs.nextId++;
    var entry = {ws: null, errored: false, pending: 0, maxMessage: maxMessage, timers: {}};
    DuplexWs.sockets.set(id, entry);
    var list = protocolsLength ? DuplexWs.text(protocols, protocolsLength).split(',') : [];
    try {
      if (typeof WebSocket !== 'function') throw new Error('this host has no WebSocket');
      entry.ws = new WebSocket(DuplexWs.text(url, urlLength), list);
      entry.ws.binaryType = 'arraybuffer';
      DuplexWs.attach(id, entry);
    } catch (e) {
      entry.timers.fail = setTimeout(function() { DuplexWs.failed(id, 'cannot open: ' + e); }, 0);
      return id;
    }
    if (openTimeoutMs > 0) {
      entry.timers.open = setTimeout(function() {
        DuplexWs.failed(id, 'opening handshake timed out after ' + openTimeoutMs + ' ms');
      }, openTimeoutMs);
    }
    return id;
  },

  duplex_ws_send__deps: ['$DuplexWs'],
  duplex_ws_send: function(id, binary, ptr, length) {
    var entry = DuplexWs.sockets.get(id);
    if (!entry || !entry.ws) return;
    try {
      // Copies: the host may read them after the wasm heap has changed.
      entry.ws.send(binary ? HEAPU8.slice(ptr, ptr + length).buffer : DuplexWs.text(ptr, length));
    } catch (e) {
      setTimeout(function() { DuplexWs.failed(id, 'send failed: ' + e); }, 0);
      return;
    }
    entry.pending += length;
    DuplexWs.pollBuffered(id);
  },

  // code < 0: no status code. Core has validated code and reason already.
  duplex_ws_close__deps: ['$DuplexWs'],
  duplex_ws_close: function(id, code, reason, reasonLength, closeTimeoutMs) {
    var entry = DuplexWs.sockets.get(id);
    if (!entry || !entry.ws) return;
    try {
      if (code < 0) entry.ws.close();
      else entry.ws.close(code, DuplexWs.text(reason, reasonLength));
    } catch (e) {
      setTimeout(function() { DuplexWs.failed(id, 'close failed: ' + e); }, 0);
      return;
    }
    if (closeTimeoutMs > 0 && !entry.timers.close) {
      // Options::close_timeout: the close is reported as not clean (1006). The
      // host decides when its TCP connection actually goes.
      entry.timers.close = setTimeout(function() {
        if (!DuplexWs.sockets.has(id)) return;
        DuplexWs.forget(id);
        _duplex_wasm_on_closed(id, 0, 1006, 0);
      }, closeTimeoutMs);
    }
  },

  // The transport is gone (or aborted): forget the socket and let the host
  // close it in the background. `going_away`: it was open, so say 1001 where
  // the host allows it (npm ws); browsers' close() accepts only 1000 and
  // 3000-4999 and throws otherwise, so they say 1000.
  duplex_ws_destroy__deps: ['$DuplexWs'],
  duplex_ws_destroy: function(id, goingAway) {
    var ws = DuplexWs.forget(id);
    if (!ws) return;
    try {
      if (goingAway && ws.readyState === 1) {
        try { ws.close(1001); } catch (e) { ws.close(1000); }
      } else {
        ws.close();
      }
    } catch (e) {}
  },

  // Backend::post_after: a host timer that calls back into C++ by id.
  $DuplexWsTimers: {nextId: 1, handles: {}},
  duplex_ws_set_timer__deps: ['$DuplexWsTimers'],
  duplex_ws_set_timer: function(delayMs) {
    var id = DuplexWsTimers.nextId++;
    DuplexWsTimers.handles[id] = setTimeout(function() {
      delete DuplexWsTimers.handles[id];
      _duplex_wasm_on_timer(id);
    }, delayMs);
    return id;
  },
  duplex_ws_clear_timer__deps: ['$DuplexWsTimers'],
  duplex_ws_clear_timer: function(id) {
    if (!(id in DuplexWsTimers.handles)) return;
    clearTimeout(DuplexWsTimers.handles[id]);
    delete DuplexWsTimers.handles[id];
  },

  // Sockets in the Map: what a leak check counts.
  duplex_ws_socket_count__deps: ['$DuplexWs'],
  duplex_ws_socket_count: function() { return DuplexWs.sockets.size; },
};

mergeInto(LibraryManager.library, LibraryDuplexWebSocket);
