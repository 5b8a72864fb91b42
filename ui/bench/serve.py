"""Serves the UI bench to a headless browser and prints the one result it posts back.

Usage: serve.py DIST_DIR BENCH_DIR PORT_FILE. Serves BENCH_DIR under /bench/ and DIST_DIR at /,
writes the chosen loopback port to PORT_FILE, prints the body of the first POST /result to
stdout and exits (status 1 after 180 s without one).
"""
import http.server
import os
import sys
import threading

dist, bench, port_file = sys.argv[1:4]


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/bench/"):
            return os.path.join(bench, os.path.basename(path))
        return os.path.join(dist, path.lstrip("/") or "index.html")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()
        sys.stdout.write(body.decode() + "\n")
        sys.stdout.flush()
        threading.Thread(target=self.server.shutdown).start()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
timer = threading.Timer(180, lambda: (sys.stderr.write("bench: no result in 180 s\n"), os._exit(1)))
timer.daemon = True
timer.start()
server.serve_forever()
