"""Peers that never read, with a tiny receive buffer (Node cannot set SO_RCVBUF on TCP).

Reads one JSON line on stdin: {"port", "count", "rcvbuf", "requests": [upgrade request per
socket], "after": base64 bytes written after the 101, "repeat": times to write them}.
Prints "ready N" (N sockets upgraded) once every socket has written, then holds them, reading
nothing more, until stdin closes.
"""
import base64
import json
import socket
import sys

spec = json.loads(sys.stdin.readline())
after = base64.b64decode(spec["after"])
sockets = []
for request in spec["requests"]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, spec["rcvbuf"])
    s.connect(("127.0.0.1", spec["port"]))
    s.sendall(request.encode("latin-1"))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            break
        head += chunk
    if head.startswith(b"HTTP/1.1 101"):
        sockets.append(s)
    else:
        s.close()
s_ok = len(sockets)
for _ in range(spec["repeat"]):
    for s in list(sockets):
        try:
            s.sendall(after)
        except OSError:
            sockets.remove(s)
print("ready", s_ok, flush=True)
sys.stdin.read()
