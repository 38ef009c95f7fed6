# For the drivers that run a custom resource's inline code against moto: fake credentials, the code's
# directory on the path, and a loopback HTTP server standing in for CloudFormation's pre-signed
# response URL; every answer the code PUTs there lands in `responses`.
import http.server
import json
import os
import sys
import threading

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-central-1")
sys.path.insert(0, sys.argv[1])

responses = []


class Answer(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        responses.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
threading.Thread(target=server.serve_forever, daemon=True).start()
URL = f"http://127.0.0.1:{server.server_port}/response"
