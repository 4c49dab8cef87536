"""A live server that can go down and come back on the same port, and can lose the answer to
a sync after storing it — the faults an outbox must survive without losing or doubling."""
import socket
import threading

from sqlalchemy import select
from werkzeug.serving import make_server

from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db

from .conftest import LiveServer


class FaultServer(LiveServer):
    def __init__(self, database):
        self.drop_sync_answers = 0  # how many sync answers to lose, after storing
        self.dropped = 0
        super().__init__(database)
        self.port = self.server.server_port
        self.up = True

    def _recording(self, environ, start_response):
        if (self.drop_sync_answers and environ["REQUEST_METHOD"] == "POST"
                and environ["PATH_INFO"] == "/api/sync"):
            self.drop_sync_answers -= 1
            return self._store_then_drop(environ, start_response)
        return super()._recording(environ, start_response)

    def _store_then_drop(self, environ, start_response):
        held = []
        response = self.app(environ, lambda status, headers, exc_info=None: held.append(status) or (lambda _: None))
        try:
            body = b"".join(response)  # the view has run to the end: every change is committed
        finally:
            getattr(response, "close", lambda: None)()
        self.dropped += 1
        # The connection goes before a byte of the answer does (werkzeug then sees a broken
        # pipe and treats it as a dropped connection, as a phone losing signal would cause).
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        start_response(held[0], [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def go_down(self):
        """Stop listening: connections are refused, as with a crashed or restarting server."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.up = False

    def come_back(self):
        self.server = make_server("127.0.0.1", self.port, self._recording, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.up = True

    def ensure_up(self):
        if not self.up:
            self.come_back()

    def concerns(self, case_reference):
        """(id, status, answers) of every stored concern with this case reference."""
        with self.app.app_context():
            rows = db.session.scalars(select(Concern).filter_by(case_reference=case_reference)).all()
            return [(c.id, c.status, dict(c.answers)) for c in rows]

    def revisions(self, concern_id):
        """(kind, change_id) of every revision of a concern, oldest first."""
        with self.app.app_context():
            rows = db.session.scalars(select(ConcernRevision).filter_by(concern_id=concern_id)
                                      .order_by(ConcernRevision.id)).all()
            return [(r.kind, r.change_id) for r in rows]

    def sync_posts(self):
        return sum(1 for method, path, _ in self.requests if (method, path) == ("POST", "/api/sync"))
