"""The coordinator's desk: sign-in by one-time link, a run's board, its reports, and the coordinator's actions.

Its paths are ``engine.desk_paths``'s, the ones the emails link to. Every page needs a session
(``web.desk.context``); every action is a POST with the session's CSRF token, through the services
the CLI uses, recorded under the coordinator's address.
"""

from __future__ import annotations

from fastapi import FastAPI

from sxsh_flow.engine import desk_paths
from sxsh_flow.engine.clock import Clock
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.settings import Settings
from sxsh_flow.web.desk.board import Board
from sxsh_flow.web.desk.context import SIGN_IN_PATH, SIGN_OUT_PATH, Desk
from sxsh_flow.web.desk.decisions import Decisions
from sxsh_flow.web.desk.records import Records
from sxsh_flow.web.desk.review import Review
from sxsh_flow.web.desk.sign_in import SignIn
from sxsh_flow.web.pages import Pages

RUN = desk_paths.board(0).replace("/0", "/{run_id:int}")  # /desk/runs/{run_id:int}


def register_desk(app: FastAPI, store: Store, settings: Settings, clock: Clock, pages: Pages) -> None:
    """Add the desk's routes to the portal ``app``."""
    desk = Desk(store, settings, clock, pages)
    sign_in, board, review = SignIn(desk), Board(desk), Review(desk)
    decisions, records = Decisions(desk), Records(desk)

    def route(path: str, endpoint: object, *methods: str) -> None:
        app.add_api_route(path, endpoint, methods=list(methods), include_in_schema=False)  # type: ignore[arg-type]

    route(SIGN_IN_PATH, sign_in.form, "GET", "HEAD")
    route(SIGN_IN_PATH, sign_in.ask, "POST")
    route(f"{SIGN_IN_PATH}/{{token}}", sign_in.confirm_page, "GET", "HEAD")
    route(f"{SIGN_IN_PATH}/{{token}}", sign_in.use, "POST")
    route(SIGN_OUT_PATH, sign_in.sign_out, "POST")
    route(desk_paths.DESK, board.landing, "GET", "HEAD")
    route(RUN, board.board, "GET", "HEAD")
    route(f"{RUN}/submissions/{{submission_id:int}}", review.show, "GET", "HEAD")
    route(f"{RUN}/submissions/{{submission_id:int}}", review.act, "POST")
    route(f"{RUN}/extensions", decisions.extensions, "GET", "HEAD")
    route(f"{RUN}/extensions", decisions.decide_extension, "POST")
    route(f"{RUN}/forwards", decisions.forwards, "GET", "HEAD")
    route(f"{RUN}/forwards", decisions.decide_forward, "POST")
    route(f"{RUN}/emails", records.emails, "GET", "HEAD")
    route(f"{RUN}/history", records.history, "GET", "HEAD")
    route(f"{RUN}/reports/{{year:int}}", records.report, "GET", "HEAD")
