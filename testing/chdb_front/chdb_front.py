#!/usr/bin/env python3
"""ClickHouse's HTTP interface over the real ClickHouse engine running in-process (chdb).

Test infrastructure for lfmaint, not product: chdb opens no port, so this front serves the subset of
the HTTP interface lfmaint uses (query in the URL and/or body, auth by URL params, X-ClickHouse-User/
Key headers or Basic auth, `database`, `default_format`, `param_<name>` query parameters, other URL params as per-query settings,
`/ping`, errors as 4xx/5xx with X-ClickHouse-Exception-Code and a `Code: N. DB::Exception: …` body).
chdb runs one query at a time, so requests are serialised.
"""
import argparse
import base64
import json
import os
import re
import resource
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from chdb import session as chdb_session

# URL parameters that are part of the protocol, not settings.
PROTOCOL_PARAMS = {"query", "user", "password", "database", "default_format", "query_id",
                   "session_id", "session_timeout", "session_check", "compress", "decompress",
                   "buffer_size", "wait_end_of_query", "quota_key"}
READ_ONLY_VERBS = ("SELECT", "SHOW", "DESCRIBE", "DESC", "EXISTS", "WITH", "EXPLAIN", "CHECK")
# The server's own mapping of exception codes to HTTP statuses (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp).
STATUS_BY_CODE = {194: 401, 192: 403, 193: 403, 516: 403, 497: 403,
                  36: 400, 6: 400, 62: 400, 53: 400, 117: 400, 44: 400, 8: 400, 69: 400,
                  60: 404, 46: 404, 47: 404, 50: 404, 56: 404, 81: 404, 115: 404, 73: 404,
                  48: 501, 159: 408}
CODE_PATTERN = re.compile(r"^Code: (\d+)\.")


class Engine:
    """One chdb session behind a lock, set up to behave like a server, not like chdb's CLI."""

    def __init__(self, path, config_file):
        uri = f"file:{path}?config-file={config_file}" if config_file else path
        self.session = chdb_session.Session(uri)
        self.lock = threading.Lock()
        self.version = self.session.query("SELECT version()", "TSV").bytes().decode().strip()
        self.session.query("SET mutations_sync = 0")
        self.session.query("SET implicit_select = 0")

    def run(self, sql, fmt, database, settings, parameters):
        with self.lock:
            restore = []
            try:
                if database:
                    restore.append(f"USE {self._current_database()}")
                    self.session.query(f"USE `{database}`")
                for name, value in settings.items():
                    restore.append(f"SET {name} = {self._quote(self._setting_value(name))}")
                    self.session.query(f"SET {name} = {self._quote(value)}")
                result = self.session.query(sql, fmt, params=parameters or None)
                return result.bytes(), {"read_rows": str(result.rows_read()), "written_rows": str(result.rows_written())}
            finally:
                for statement in reversed(restore):
                    try:
                        self.session.query(statement)
                    except Exception:  # the front must stay usable for the next query
                        pass

    def _current_database(self):
        return "`" + self.session.query("SELECT currentDatabase()", "TSV").bytes().decode().strip() + "`"

    def _setting_value(self, name):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise FrontError(115, f"Unknown setting '{name}'. (UNKNOWN_SETTING)")
        rows = self.session.query(f"SELECT value FROM system.settings WHERE name = '{name}'", "TSV").bytes().decode()
        if not rows:
            raise FrontError(115, f"Unknown setting '{name}'. (UNKNOWN_SETTING)")
        return rows.rstrip("\n").encode().decode("unicode_escape")

    @staticmethod
    def _quote(value):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class FrontError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def make_handler(engine, user, password):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One segment per response: without these, headers and body go out as two writes and the
        # client's delayed ACK holds the body back ~40 ms (Nagle's algorithm).
        disable_nagle_algorithm = True
        wbufsize = 1 << 16
        server_version = "chdb-front"

        def log_message(self, fmt, *args):
            sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

        def do_HEAD(self):
            self._reply(200, b"", {})

        def do_GET(self):
            self._handle(read_only=True)

        def do_POST(self):
            self._handle(read_only=False)

        def _handle(self, read_only):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            if url.path in ("/ping", "/") and not url.query and not body:
                return self._reply(200, b"Ok.\n", {})
            if url.path != "/":
                return self._error(FrontError(0, f"There is no handle {url.path}"), status=404)
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            try:
                self._authenticate(params)
                sql = "\n".join(part for part in (params.get("query", ""), body) if part)
                if not sql.strip():
                    raise FrontError(62, "Empty query. (SYNTAX_ERROR)")
                if read_only and not sql.lstrip().upper().startswith(READ_ONLY_VERBS):
                    raise FrontError(164, "Cannot execute query in readonly mode. For queries over HTTP, method GET "
                                          "implies readonly. You should use method POST for modifying queries. (READONLY)")
                settings = {k: v for k, v in params.items() if k not in PROTOCOL_PARAMS and not k.startswith("param_")}
                fmt = params.get("default_format", "TabSeparated")
                parameters = {k[len("param_"):]: v for k, v in params.items() if k.startswith("param_")}
                data, summary = engine.run(sql, fmt, params.get("database"), settings, parameters)
                self._reply(200, data, {"X-ClickHouse-Format": fmt, "X-ClickHouse-Summary": json.dumps(summary),
                                        "X-ClickHouse-Query-Id": params.get("query_id", "")})
            except FrontError as error:
                self._error(error)
            except Exception as error:  # chdb raises with the server's own "Code: N. DB::Exception: …" text
                text = str(error).strip()
                match = CODE_PATTERN.match(text)
                code = int(match.group(1)) if match else 1002
                message = text.split("DB::Exception: ", 1)[-1] if match else text
                self._error(FrontError(code, message))

        def _authenticate(self, params):
            given_user = params.get("user") or self.headers.get("X-ClickHouse-User")
            given_password = params.get("password") or self.headers.get("X-ClickHouse-Key")
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                decoded = base64.b64decode(auth[6:]).decode()
                given_user, _, given_password = decoded.partition(":")
            given_user = given_user or "default"
            given_password = given_password or ""
            if given_user != user or given_password != password:
                if password and not given_password:
                    raise FrontError(194, f"{given_user}: Authentication failed: password is incorrect, or there is no user with such name. (REQUIRED_PASSWORD)")
                raise FrontError(516, f"{given_user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)")

        def _error(self, error, status=None):
            status = status or STATUS_BY_CODE.get(error.code, 500)
            body = f"Code: {error.code}. DB::Exception: {error.message} (version {engine.version})\n".encode()
            self._reply(status, body, {"X-ClickHouse-Exception-Code": str(error.code)})

        def _reply(self, status, data, headers):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18123)
    parser.add_argument("--data", required=True, help="the engine's data path")
    parser.add_argument("--config-file", help="ClickHouse config XML (system log sections)")
    parser.add_argument("--user", default="default")
    parser.add_argument("--password-env", default="CHDB_FRONT_PASSWORD", help="variable holding the password")
    parser.add_argument("--https-port", type=int, help="also serve HTTPS here (needs --cert and --key)")
    parser.add_argument("--cert", help="PEM certificate chain for HTTPS")
    parser.add_argument("--key", help="PEM private key for HTTPS")
    args = parser.parse_args()
    # A server raises its open-files limit as it starts (BaseDaemon; its packages set LimitNOFILE=1048576):
    # a wide part of metric_log alone is 8,600 files, and a merge of five opens 43,000.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))
    except (ValueError, OSError):  # not root: as far as this user may
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    engine = Engine(args.data, args.config_file)
    handler = make_handler(engine, args.user, os.environ.get(args.password_env, ""))
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    if args.https_port:
        tls_server = ThreadingHTTPServer((args.host, args.https_port), handler)
        tls_server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        threading.Thread(target=tls_server.serve_forever, daemon=True).start()
        sys.stderr.write(f"chdb-front: HTTPS on https://{args.host}:{args.https_port}\n")
    sys.stderr.write(f"chdb-front: ClickHouse {engine.version} on http://{args.host}:{args.port}, data {args.data}\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
