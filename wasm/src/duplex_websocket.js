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
//     host keeps it: by a browser's send() itself, else here; into a
//     C++-owned std::string before C++ sees it);
//   - every host call is guarded: a surprise becomes a "failed" fact, never a
//     JavaScript exception inside wasm.
// Facts go to C++ through the exported functions of browser_transport.cpp,
// always from a host task (never inside the C++ call that caused them).
// With -pthread each thread that opens sockets (a worker) runs its own copy of
// this library with its own state, its own WebSocket global and event loop:
// a socket's events run on the thread that created it.

var LibraryDuplexWebSocket = {
  $DuplexWs__deps: ['$DuplexWsQueue', '$DuplexWsKeepalive'],
  // The library object is serialized into the output: a Map is made at startup.
  $DuplexWs__postset: 'DuplexWs.sockets = new Map(); DuplexWs.polled = new Set();',
  $DuplexWs: {
    sockets: null,  // Map: id -> {ws, errored, pending, since, maxMessage, timers}
    polled: null,   // Set: ids whose host may still buffer bytes (see pollAll)
    pollTimer: 0,   // the one timer that polls them
    pollRound: 0,   // how many times it has fired
    pollDelay: 4,   // ms until it fires (see pollAll)
    nextId: 1,
    encoder: null,
    decoder: null,
    sendCopies: null,  // true: the host's send() copies a view (see binary)
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
    // UTF-8 from the heap with an explicit length, so U+0000 survives
    // (UTF8ToString would stop there). Short ASCII is built by a loop: a
    // TextDecoder call costs more than that (as in UTF8ToString, which uses
    // it only above 16 bytes). TextDecoder reads a view of the heap (the
    // string it returns is a copy); a shared heap needs a copy first.
    text: function(ptr, length) {
      if (length <= 32) {
        var s = '', end = ptr + length;
        for (var i = ptr; i < end; ++i) {
          var c = HEAPU8[i];
          if (c > 0x7F) break;
          s += String.fromCharCode(c);
        }
        if (i === end) return s;
      }
      if (!DuplexWs.decoder) DuplexWs.decoder = new TextDecoder('utf-8');
      var bytes = HEAPU8.subarray(ptr, ptr + length);
      return DuplexWs.decoder.decode(DuplexWs.sharedHeap() ? bytes.slice() : bytes);
    },
    // True if the heap is a SharedArrayBuffer (pthreads builds), of which host
    // APIs take no views.
    sharedHeap: function() {
      return typeof SharedArrayBuffer !== 'undefined' && HEAPU8.buffer instanceof SharedArrayBuffer;
    },

    // The binary data to hand the host's send(). A browser's send() copies the
    // bytes before it returns (web-platform-tests' send-data-isolation checks
    // it), so a view of the heap will do: no ArrayBuffer per message. Other
    // hosts get a copy (npm ws may queue the view it is given), and so does a
    // shared heap, which browsers' send() refuses.
    binary: function(ptr, length) {
      if (DuplexWs.sendCopies === null) {
        var node = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
        var page = typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined';
        DuplexWs.sendCopies = page && !node && !DuplexWs.sharedHeap();
      }
      return DuplexWs.sendCopies ? HEAPU8.subarray(ptr, ptr + length) : HEAPU8.slice(ptr, ptr + length).buffer;
    },

    // Writes `text` to the heap at `ptr` if it is ASCII (one byte a unit);
    // false if not (some of it may have been written).
    asciiInto: function(text, ptr) {
      for (var i = 0, n = text.length; i < n; ++i) {
        var c = text.charCodeAt(i);
        if (c > 0x7F) return false;
        HEAPU8[ptr + i] = c;
      }
      return true;
    },
    // The same by encodeInto: true if all of it fit in text.length bytes.
    textInto: function(text, ptr) {
      if (!DuplexWs.encoder) DuplexWs.encoder = new TextEncoder();
      if (!DuplexWs.encoder.encodeInto) return false;
      return DuplexWs.encoder.encodeInto(text, HEAPU8.subarray(ptr, ptr + text.length)).read === text.length;
    },

    // Removes every trace of socket `id`: handlers (replaced by a no-op, since
    // the npm ws package, an EventEmitter, throws on an 'error' nobody
    // listens to), timers and the Map entry. Returns the host socket, if any.
    forget: function(id) {
      var entry = DuplexWs.sockets.get(id);
      if (!entry) return null;
      DuplexWs.sockets.delete(id);
      DuplexWsKeepalive.release();
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

    // bufferedAmount: between our sends the host's counter only falls. Each
    // fall (down to what we handed it) is reported as flushed bytes: with the
    // next message (an echo proves its request left), at close, or by one
    // timer for all sockets (a timer each would cost a host task per message
    // sent). Nothing is read per send: right after send() the host counts the
    // message as buffered anyway.
    // Bytes the host has sent since the last report, taken off entry.pending.
    fallen: function(entry) {
      if (entry.pending === 0) return 0;
      var now = 0;
      try { now = entry.ws.bufferedAmount; } catch (e) { now = 0; }
      if (now >= entry.pending) return 0;
      var delta = entry.pending - now;
      entry.pending = now;
      return delta;
    },
    // `length` bytes were handed to the host: make sure the timer looks.
    sent: function(id, entry, length) {
      if (entry.pending === 0) entry.since = DuplexWs.pollRound;
      entry.pending += length;
      DuplexWs.polled.add(id);
      if (!DuplexWs.pollTimer) DuplexWs.pollTimer = setTimeout(DuplexWs.pollAll, DuplexWs.pollDelay);
    },
    // The timer polls the sockets that have had bytes pending since before
    // its previous round: those sent since are left to their next message (a
    // ping-pong's echo), so that each flush is reported once.
    // A timer task costs the page about as much CPU as a message (~40 us in
    // headless Chromium): under request/response traffic, whose messages
    // report the flushes, a timer every 4 ms cost a 1-connection ping-pong
    // 15% more CPU per message. So a round that finds nothing to report
    // doubles the delay, up to 32 ms; one that reports, or leaves nothing to
    // poll, sets it back to 4 ms (a one-way sender's flushes are seen within
    // 4 ms, at worst 64 ms after request/response traffic).
    pollAll: function() {
      DuplexWs.pollTimer = 0;
      var round = DuplexWs.pollRound++;
      DuplexWsQueue.fromHostEvent(function() {
        var reported = false;
        DuplexWs.polled.forEach(function(id) {
          var entry = DuplexWs.sockets.get(id);
          if (entry && entry.pending !== 0 && entry.since === round) return;  // next round
          var delta = entry ? DuplexWs.fallen(entry) : 0;
          if (delta) {
            reported = true;
            _duplex_wasm_on_flushed(id, delta);
          }
          if (!entry || entry.pending === 0) DuplexWs.polled.delete(id);
        });
        DuplexWs.pollDelay = reported || !DuplexWs.polled.size ? 4 : Math.min(2 * DuplexWs.pollDelay, 32);
      });
      if (DuplexWs.polled.size && !DuplexWs.pollTimer) {
        DuplexWs.pollTimer = setTimeout(DuplexWs.pollAll, DuplexWs.pollDelay);
      }
    },

    // A message's payload into the C++ buffer that becomes the message
    // (duplex_wasm_message_buffer), then reported with the bytes flushed:
    // two calls into wasm. One over max_message_size fails the connection.
    deliver: function(id, entry, binary, bytes, flushed) {
      // Options::max_message_size, enforced once the host has the whole
      // message but before it is copied into the wasm heap.
      if (bytes.length > entry.maxMessage) {
        _duplex_wasm_message_buffer(0);  // what an attempt may have taken
        DuplexWs.failedAfter(id, flushed, 'message of ' + bytes.length + ' bytes exceeds max_message_size (' +
                                              entry.maxMessage + ')');
        return;
      }
      if (bytes.length) {
        var ptr = _duplex_wasm_message_buffer(bytes.length);
        // HEAPU8 is read after the allocation, which may have grown (and so
        // replaced) the heap.
        HEAPU8.set(bytes, ptr);
      }
      _duplex_wasm_on_message(id, binary, bytes.length, flushed);
    },
    // A failure that ends a message event, after the bytes flushed before it.
    failedAfter: function(id, flushed, reason) {
      DuplexWsQueue.fromHostEvent(function() {
        if (flushed) _duplex_wasm_on_flushed(id, flushed);
        DuplexWs.failed(id, reason);
      });
    },

    // The host's open, message and close events report their facts, which
    // then run from the same host task (each fact export runs the tasks it
    // queued; DuplexWsQueue.fromHostEvent brackets several).
    attach: function(id, entry) {
      var ws = entry.ws;
      var onOpen = function() {
        if (entry.timers.open) { clearTimeout(entry.timers.open); delete entry.timers.open; }
        _duplex_wasm_on_open(id, DuplexWs.newText(ws.protocol), DuplexWs.newText(ws.extensions));
      };
      // The hot path: two calls into wasm a message, whose second runs the
      // application's onmessage.
      var onMessage = function(event) {
        var flushed = DuplexWs.fallen(entry);  // a flush the echo proves happened is reported first
        var data = event.data;
        if (typeof data === 'string') {
          // Text is mostly ASCII, whose UTF-8 has one byte per UTF-16 unit:
          // written straight into a heap buffer that size, by a loop up to
          // 128 units (a call of encodeInto costs more), else by encodeInto
          // (a loop over the host's string costs ~14 ns a unit in Chromium).
          // Other text does not fit (not all of it is written) and is
          // encoded first, then copied.
          var n = data.length;
          if (n > 0 && n <= entry.maxMessage) {
            var ptr = _duplex_wasm_message_buffer(n);  // HEAPU8 read after it, as in deliver
            if (n <= 128 ? DuplexWs.asciiInto(data, ptr) : DuplexWs.textInto(data, ptr)) {
              _duplex_wasm_on_message(id, 0, n, flushed);
              return;
            }
          }
          if (!DuplexWs.encoder) DuplexWs.encoder = new TextEncoder();
          DuplexWs.deliver(id, entry, 0, DuplexWs.encoder.encode(data), flushed);
        } else if (data instanceof ArrayBuffer) {
          DuplexWs.deliver(id, entry, 1, new Uint8Array(data), flushed);
        } else if (ArrayBuffer.isView(data)) {
          DuplexWs.deliver(id, entry, 1, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), flushed);
        } else {
          DuplexWs.failedAfter(id, flushed, 'the host delivered a message that is neither text nor an ArrayBuffer');
        }
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
        var flushed = DuplexWs.fallen(entry);
        if (flushed) _duplex_wasm_on_flushed(id, flushed);
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
      ws.onopen = onOpen;
      ws.onmessage = onMessage;
      ws.onclose = function(event) { DuplexWsQueue.fromHostEvent(onClose, event); };
    },
  },

  // On a pthread (main() under -sPROXY_TO_PTHREAD, or a thread of the app's
  // own) emscripten ends the thread when its function returns unless
  // something keeps that thread's runtime alive; its host events would then
  // run on a thread that no longer exists. So there each socket, host timer
  // and scheduled macrotask holds the runtime (emscripten's keepalive
  // counter, as its own timers do), and once none is left the thread ends as
  // emscripten ends it after a callback (maybeExit), unless something else
  // holds it. The main thread is left as it was: its runtime lives on after
  // main() unless -sEXIT_RUNTIME=1.
  $DuplexWsKeepalive__deps: ['$runtimeKeepalivePush', '$runtimeKeepalivePop', '$maybeExit'],
  $DuplexWsKeepalive: {
    held: 0,
    pending: false,
    onThread: function() {
      return typeof ENVIRONMENT_IS_PTHREAD !== 'undefined' && !!ENVIRONMENT_IS_PTHREAD;
    },
    hold: function() {
      if (!DuplexWsKeepalive.onThread()) return;
      ++DuplexWsKeepalive.held;
      runtimeKeepalivePush();
    },
    release: function() {
      if (!DuplexWsKeepalive.onThread() || DuplexWsKeepalive.held === 0) return;
      --DuplexWsKeepalive.held;
      runtimeKeepalivePop();
      // Checked from a task of its own, outside any call into wasm.
      if (DuplexWsKeepalive.held === 0 && !DuplexWsKeepalive.pending) {
        DuplexWsKeepalive.pending = true;
        setTimeout(function() {
          DuplexWsKeepalive.pending = false;
          if (DuplexWsKeepalive.held === 0) maybeExit();
        }, 0);
      }
    },
  },

  // Macrotasks for Backend::post(): setImmediate where it exists (node), else a
  // MessageChannel (browsers; setTimeout(0) is clamped to 4 ms when nested).
  // C++ asks for one only when none is pending (BrowserBackend::wake).
  $DuplexWsQueue__deps: ['$DuplexWsKeepalive'],
  $DuplexWsQueue: {
    schedule: null,

    // Runs a host event's handler that reports several facts: the tasks they
    // queue run once, at its end, from this same host task (see
    // BrowserBackend::host_event).
    fromHostEvent: function(handler, event) {
      _duplex_wasm_host_event_begin();
      try {
        handler(event);
      } finally {
        _duplex_wasm_host_event_end();
      }
    },
    init: function() {
      var run = function() {
        DuplexWsKeepalive.release();
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
    if (!DuplexWsQueue.schedule) DuplexWsQueue.init();
    DuplexWsKeepalive.hold();  // until it runs
    DuplexWsQueue.schedule();
  },

  duplex_ws_host_has_websocket: function() {
    return typeof WebSocket === 'function' ? 1 : 0;
  },

  // Opens a socket; returns its id. A constructor that throws (no WebSocket in
  // this host, a URL the host refuses) is reported as a failure from a later
  // task. `protocols` is the offered list joined with ',' (tokens have none).
  duplex_ws_create__deps: ['$DuplexWs'],
  duplex_ws_create: function(url, urlLength, protocols, protocolsLength, openTimeoutMs, maxMessage) {
    var id = DuplexWs.nextId++;
    var entry = {ws: null, errored: false, pending: 0, since: 0, maxMessage: maxMessage, timers: {}};
    DuplexWs.sockets.set(id, entry);
    DuplexWsKeepalive.hold();  // until forget()
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
      // Copied (by the host's send() or here): the heap changes after this call.
      entry.ws.send(binary ? DuplexWs.binary(ptr, length) : DuplexWs.text(ptr, length));
    } catch (e) {
      setTimeout(function() { DuplexWs.failed(id, 'send failed: ' + e); }, 0);
      return;
    }
    DuplexWs.sent(id, entry, length);
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
      // Options::close_timeout: the close is reported as not clean (1006) and
      // the TCP connection is dropped where the host can do that (npm ws:
      // terminate()); a browser's WebSocket has no such call, so there the
      // browser's own close timer decides when the connection goes.
      entry.timers.close = setTimeout(function() {
        if (!DuplexWs.sockets.has(id)) return;
        var ws = DuplexWs.forget(id);
        if (ws && typeof ws.terminate === 'function') {
          try { ws.terminate(); } catch (e) {}
        }
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
  duplex_ws_set_timer__deps: ['$DuplexWsTimers', '$DuplexWsKeepalive'],
  duplex_ws_set_timer: function(delayMs) {
    var id = DuplexWsTimers.nextId++;
    DuplexWsKeepalive.hold();  // until it fires or is cleared
    DuplexWsTimers.handles[id] = setTimeout(function() {
      delete DuplexWsTimers.handles[id];
      DuplexWsKeepalive.release();
      _duplex_wasm_on_timer(id);
    }, delayMs);
    return id;
  },
  duplex_ws_clear_timer__deps: ['$DuplexWsTimers', '$DuplexWsKeepalive'],
  duplex_ws_clear_timer: function(id) {
    if (!(id in DuplexWsTimers.handles)) return;
    clearTimeout(DuplexWsTimers.handles[id]);
    delete DuplexWsTimers.handles[id];
    DuplexWsKeepalive.release();
  },

  // Sockets in the Map: what a leak check counts.
  duplex_ws_socket_count__deps: ['$DuplexWs'],
  duplex_ws_socket_count: function() { return DuplexWs.sockets.size; },
};

mergeInto(LibraryManager.library, LibraryDuplexWebSocket);
