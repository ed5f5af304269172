"""A local HTTP receiver in a thread: it records every request and answers with the
statuses it is told, in order (the last one repeated)."""

import http.server
import threading
import time
from dataclasses import dataclass


@dataclass
class Received:
    path: str
    headers: object  # case-insensitive, as web frameworks give them
    body: bytes


class Receiver:
    def __init__(self, statuses=(200,), delay=0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(Received(self.path, self.headers, body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                index = min(len(receiver.received), len(receiver.statuses)) - 1
                status = receiver.statuses[index]
                answer = f"réponse {status}".encode()
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "http://127.0.0.1:9/ailleurs")
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except ConnectionError:
                    pass  # the sender stopped waiting (a timeout under test)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ctg"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
