"""gunicorn settings, read from the repository root (where README's production section runs
gunicorn): keep link tokens out of gunicorn's logs (SECURITY row 31).

gunicorn writes its own access log (request line, Referer, ...) and error log, outside the
Flask app, so `chamber.logs.init_app` cannot reach them. This logger class scrubs every field
of an access-log line and every error-log message with the same rule (`chamber.logs.scrub`).
Any other gunicorn setting can still be given on the command line.
"""

from gunicorn.glogging import Logger

from chamber.logs import SecretFilter, scrub


class ScrubbingLogger(Logger):
    """gunicorn's logger with reset, invitation and calendar tokens replaced by [secret]."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(SecretFilter())

    def atoms(self, resp, req, environ, request_time):
        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = ScrubbingLogger


def post_fork(server, worker):
    """Objects alive once a worker has started (the app, its modules, templates) stay for
    the worker's life: move them out of the garbage collector's sight, so each full
    collection walks only what requests create (about 1 ms a request saved on the
    dashboard)."""
    import gc

    gc.freeze()
