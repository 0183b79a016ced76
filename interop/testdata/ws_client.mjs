// A WebSocket client on Node's ws package for Tako's interop test (node_ws_test.go).
// Usage: node ws_client.mjs ws://127.0.0.1:PORT/echo [steps]
// steps is a comma-separated list of round trips, run in order (default
// text,binary,compressed,1MB): text, binary, a compressible 528 KiB text message whose
// bytes on the wire are measured, and a 1 MB random binary message; all are sent with
// permessage-deflate. Then it closes with 1000 and prints one JSON line with what it saw.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";

const url = process.argv[2];
const steps = (process.argv[3] || "text,binary,compressed,1MB").split(",");
const result = { extensions: "", checks: {}, closeCode: 0, closeReason: "", error: "" };
const timer = setTimeout(() => finish("timeout after 30s"), 30000);

function finish(err) {
  if (err) result.error = String(err);
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

const ws = new WebSocket(url, { perMessageDeflate: true, maxPayload: 16 << 20 });
const queue = [];
let waiting = null;
ws.on("message", (data, isBinary) => {
  const m = { data, isBinary };
  if (waiting) { const w = waiting; waiting = null; w(m); } else queue.push(m);
});
ws.on("error", (e) => finish(e));
function next() {
  return queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiting = r));
}
function send(data, opts) {
  return new Promise((res, rej) => ws.send(data, opts, (e) => (e ? rej(e) : res())));
}

async function roundTrip(name, data, binary) {
  await send(data, { binary, compress: true });
  const m = await next();
  const got = Buffer.isBuffer(m.data) ? m.data : Buffer.concat(m.data);
  const want = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
  result.checks[name] = m.isBinary === binary && got.equals(want) ? "ok"
    : `mismatch: binary ${m.isBinary}, ${got.length} bytes, want ${want.length}`;
}

ws.on("open", async () => {
  try {
    result.extensions = ws.extensions;
    for (const step of steps) {
      switch (step) {
        case "text": await roundTrip(step, "hello, Tako \u2603", false); break;
        case "binary": await roundTrip(step, Buffer.from([0, 1, 2, 253, 254, 255]), true); break;
        case "1MB": await roundTrip(step, randomBytes(1 << 20), true); break;
        case "compressed": {
          // 33 * 16384 bytes of repetitive text: compressed, a few KiB on the wire each way.
          const sock = ws._socket;
          const w0 = sock.bytesWritten, r0 = sock.bytesRead;
          await roundTrip(step, "Tako interop, compressible line.\n".repeat(16384), false);
          result.compressedWireOut = sock.bytesWritten - w0;
          result.compressedWireIn = sock.bytesRead - r0;
          break;
        }
        default: throw new Error("unknown step " + step);
      }
    }
    ws.close(1000, "bye");
  } catch (e) {
    finish(e);
  }
});
ws.on("close", (code, reason) => {
  result.closeCode = code;
  result.closeReason = reason.toString();
  finish("");
});
