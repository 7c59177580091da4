"""Serve the example model over HTTP (the example's endpoint)."""

from http.server import BaseHTTPRequestHandler, HTTPServer


class Predict(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"prediction": 0}')


HTTPServer(("0.0.0.0", 8000), Predict).serve_forever()
