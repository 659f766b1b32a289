// A plain Node worker: no Nest, no WebSocket server. Publishes 100 messages to a
// room through the package's emitter. argv: <emitter module path> <redis url> <room>
const [modulePath, url, room] = process.argv.slice(2);
const { WsEmitter } = await import(modulePath);
const emitter = new WsEmitter({ url });
for (let i = 0; i < 100; i++) {
  await emitter.toRoom(room, 'room.message', {
    room,
    from: 'worker',
    text: `job ${i}`,
    at: Date.now(),
  });
}
await emitter.toUser('ann', 'notice', { text: 'done' });
await emitter.close();
