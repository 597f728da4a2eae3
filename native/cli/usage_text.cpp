// The --help text: options grouped by purpose, then the exit statuses (the
// README's "duplex" section says the same at more length).
#include "cli_options.hpp"

namespace duplex::cli {

const char* usage_text() {
  return R"(usage: duplex [options] URL

Connects to the WebSocket server at URL (ws://, wss://, http://, https://),
prints every message received and sends what standard input holds: each line
as a text message by default. At the end of input it waits for replies
(--linger), then closes the connection cleanly. On a terminal it runs
interactively (a prompt, history, /commands). Ctrl-C (SIGINT, SIGTERM) closes
the connection cleanly; a second one drops it.

connection:
  -p, --protocol NAME      offer subprotocol NAME (repeatable, in order of preference)
  -H, --header 'N: V'      add a header to the opening handshake (repeatable)
      --origin ORIGIN      send an Origin header
      --proxy URL          proxy: http://[user:pass@]host:port, socks5://...,
                           socks5h://..., or 'direct' (default: the
                           https_proxy / http_proxy / all_proxy variables)
      --no-deflate         do not offer permessage-deflate compression
      --max-message BYTES  largest message accepted (default 67108864)
      --connect-timeout S  time for one TCP connection attempt (default 10)
      --open-timeout S     time for the whole opening handshake (default 30)
      --close-timeout S    time the server has to answer our Close (default 5)
      --idle-timeout S     close (1000 "idle timeout") after S seconds without
                           a message either way (default: never)
      --ping-interval S    send a Ping every S seconds
      --pong-timeout S     fail when nothing answers a Ping within S seconds
      --reconnect          reconnect after a connection ends (exponential
                           backoff with full jitter, 0.5 s base, 30 s cap);
                           input read meanwhile is sent once it reopens
      --max-retries N      with --reconnect: give up after N failed retries
                           (N + 1 connection attempts in all)
      --final-code CODE    with --reconnect: never reconnect after a close with
                           CODE (repeatable)
  Seconds (S) may have decimals: 0.5.

TLS (wss://):
      --cacert FILE        also trust the CA certificates in FILE (PEM)
      --cert FILE          client certificate (PEM) for mutual TLS; needs --key
      --key FILE           private key (PEM) of --cert
      --min-tls VERSION    lowest TLS version accepted: 1.2 (default) or 1.3
      --insecure           DANGER: accept any server certificate (expired,
                           self-signed, another host's); prints a warning

input (what is sent):
      --text               send text messages (the default)
  -b, --binary             send binary messages
  -0, --null               messages end at NUL bytes instead of newlines
      --file PATH          send the whole file as one message ('-': all of
                           standard input until its end)
      --input FORMAT       each message is written as: text (default), hex
                           (digit pairs, spaces allowed) or base64; hex and
                           base64 are decoded and sent as binary unless --text
      --crlf keep|strip    a line's CR before its LF: strip (default; noted
                           once on stderr) or keep
  -i, --interactive        interactive mode even when not on a terminal
      --no-interactive     plain lines even on a terminal

output (what is printed):
      --output FORMAT      text (default: messages as they are, a newline
                           after each), hex or base64 (binary messages
                           encoded), raw (payloads as they are, nothing
                           added), json (one object per message: kind, size,
                           time, payload; binary payloads in base64)
      --hex                --input hex --output hex
      --base64             --input base64 --output base64
  -x                       --output hex
      --raw-output         --output raw
      --json               --output json
      --timestamps         put the local time before every line printed
      --show-headers       print the server's handshake response on stderr
  -q, --quiet              print messages and errors only: no last word
  -v, --verbose            also print readyState changes and pongs

ending:
      --close-code CODE    close with CODE (1000 or 3000-4999; default 1000)
      --close-reason TEXT  close reason (at most 123 bytes of UTF-8)
      --expect-close CODE  also exit 0 after the server closes with CODE
                           (repeatable)
  -n, --count N            close after receiving N messages
      --wait-for REGEX     close once a message matches REGEX (ECMAScript
                           syntax, searched anywhere in the message)
      --timeout S          close after S seconds whatever happens (exit 5)
      --linger MS          after input ends, wait until MS milliseconds pass
                           with no message before closing (default 500; not
                           with --count or --wait-for, which decide instead)

  -h, --help               print this help
      --version            print the version

interactive commands: /ping [DATA], /close [CODE [REASON]], /binary HEX,
/quit, /help; '//' at the start sends one '/'.

At the end, one line on stderr says how the connection closed (code, reason,
clean or not) and why the status is not 0 (-q leaves it out).

exit status:
  0  closed cleanly with 1000, 1001, 1005, an --expect-close code or ours
  1  ended without what was asked: the server closed cleanly with another
     code (4001, 1011 ...), no message matched --wait-for, some input was
     not sent, or an interrupt came before the connection opened
  2  a command line that cannot be run (usage)
  3  could not connect: host name, TCP, TLS, proxy, connect or open timeout
  4  the server refused the handshake (an HTTP status other than 101, or an
     invalid 101 answer)
  5  --timeout expired
  6  the connection was lost: closed without a clean closing handshake
     (dropped, 1006, a protocol error, no pong, no answer to our Close)
)";
}

}  // namespace duplex::cli
