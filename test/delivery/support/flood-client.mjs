// A client in its own process: floods `held` frames at a gateway, says how
// much its socket could not send, then counts the replies.
// argv: url, frames, frame bytes
import { WebSocket } from 'ws';

const [url, framesArg, bytesArg] = process.argv.slice(2);
const frames = Number(framesArg);
const padding = 'x'.repeat(Number(bytesArg));
const socket = new WebSocket(url);
let replies = 0;
socket.on('message', () => {
  replies += 1;
  if (replies === frames) {
    process.stdout.write(`${JSON.stringify({ replies })}\n`);
    socket.close();
  }
});
socket.on('open', () => {
  for (let i = 0; i < frames; i += 1) {
    socket.send(JSON.stringify({ event: 'held', data: padding, id: i }));
  }
  const report = () =>
    process.stdout.write(`${JSON.stringify({ bufferedAmount: socket.bufferedAmount })}\n`);
  setTimeout(report, 300);
  process.stdin.on('data', report);
});
socket.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
