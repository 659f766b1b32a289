/**
 * The demo chat page: plain HTML and one inline module script that uses the
 * compiled client (`/demo/client/index.js`). Everything the server sends is
 * written with `textContent`, never parsed as HTML.
 */
export function demoPage(nonce: string, clientAvailable: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nestjs-secure-ws demo chat</title>
<style nonce="${nonce}">
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; margin: .5rem 0; flex-wrap: wrap; align-items: center; }
  input[type=text] { flex: 1; min-width: 8rem; }
  ul { list-style: none; padding: .5rem; margin: .5rem 0; border: 1px solid #ccc; min-height: 3rem; max-height: 14rem; overflow: auto; }
  #errors li { color: #a00; }
  #status { font-weight: bold; }
</style>
</head>
<body>
<h1>Demo chat</h1>
<p id="build-note">${
    clientAvailable
      ? 'Sign in with a development token, join a room, chat.'
      : 'This page needs the built client: run it with <code>npm start</code>.'
  }</p>
<form id="signin">
  <label>User <input id="user" type="text" value="alice" maxlength="64" required></label>
  <label>Token TTL (s) <input id="ttl" type="number" value="300" min="1" max="3600"></label>
  <label><input id="refresh" type="checkbox" checked> refresh before expiry</label>
  <label>or paste a token <input id="token" type="text" placeholder="npm run token -- --sub alice"></label>
  <button>Sign in</button>
</form>
<p>Status: <span id="status" data-state="signed-out">signed out</span></p>
<form id="join">
  <label>Room <input id="room" type="text" value="lobby" maxlength="64"></label>
  <button>Join</button>
</form>
<form id="chat">
  <input id="text" type="text" placeholder="Say something" autocomplete="off">
  <button>Send</button>
</form>
<h2>Messages</h2>
<ul id="messages"></ul>
<h2>Notices</h2>
<ul id="notices"></ul>
<h2>Errors</h2>
<ul id="errors"></ul>
<script type="module" nonce="${nonce}">
import { WsClient } from '/demo/client/index.js';

const $ = (id) => document.getElementById(id);
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
const rooms = new Set();
let client;
let user;

function line(list, text) {
  const item = document.createElement('li');
  item.textContent = text;
  $(list).append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function showError(error) {
  const parts = [error.code ?? 'ERROR', error.message];
  if (error.event) parts.push('(' + error.event + ')');
  if (Array.isArray(error.details)) {
    parts.push(error.details.map((d) => d.path + ': ' + (d.constraints ?? []).join(', ')).join('; '));
  }
  if (error.retryAfterMs !== undefined) parts.push('retry in ' + error.retryAfterMs + ' ms');
  line('errors', parts.join(' '));
}

async function fetchToken() {
  const pasted = $('token').value.trim();
  if (pasted) return pasted;
  const query = new URLSearchParams({ sub: user, ttl: $('ttl').value });
  const response = await fetch('/dev/token?' + query);
  if (!response.ok) throw new Error('/dev/token answered ' + response.status);
  return (await response.json()).token;
}

function rejoin() {
  for (const room of rooms) {
    client.request('room.join', { room }).then((joined) => line('notices', 'rejoined ' + joined.room), showError);
  }
}

$('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  client?.close();
  rooms.clear();
  user = $('user').value.trim();
  const current = new WsClient({
    url: wsUrl,
    getToken: fetchToken,
    refreshOnExpiring: $('refresh').checked,
    reconnect: { initialDelayMs: 250, maxDelayMs: 5000, maxAttempts: 10 },
  });
  client = current;
  current.onStateChange((state, close) => {
    if (current !== client) return;
    $('status').textContent = close ? state + ' (' + close.code + (close.reason ? ' ' + close.reason : '') + ')' : state;
    $('status').dataset.state = state;
    if (state === 'open') {
      current.request('whoami').then((me) => {
        const until = me.expiresAt ? ', session until ' + new Date(me.expiresAt).toLocaleTimeString() : '';
        line('notices', 'connected as ' + me.userId + until);
      }, showError);
      rejoin();
    }
  });
  current.on('error', showError);
  // After a reconnect the client resumes its rooms: what it missed arrives first, in order.
  current.onResume((results) => {
    for (const result of results) {
      line('notices', result.recovered
        ? 'resumed ' + result.room + ', ' + result.missed + ' missed messages delivered'
        : 'resumed ' + result.room + ': ' + result.reason + (result.reason === 'HISTORY_LOST' ? ', some messages may be missing' : ''));
    }
  });
  current.on('room.message', (m) => line('messages', '[' + m.room + '] ' + m.from + ': ' + m.text));
  current.on('session.expiring', (d) => line('notices', 'session expiring at ' + new Date(d.expiresAt).toLocaleTimeString()));
  current.connect().catch(showError);
});

$('join').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!client) return line('errors', 'Sign in first');
  try {
    const joined = await client.request('room.join', { room: $('room').value.trim() });
    rooms.add(joined.room);
    line('notices', 'joined ' + joined.room + ': ' + joined.members.join(', '));
  } catch (error) {
    showError(error);
  }
});

$('chat').addEventListener('submit', (event) => {
  event.preventDefault();
  // room.send has no reply: its errors arrive as error frames, shown by on('error').
  if (!client?.send('room.send', { room: $('room').value.trim(), text: $('text').value })) {
    return line('errors', 'Not connected');
  }
  $('text').value = '';
});
</script>
</body>
</html>
`;
}
