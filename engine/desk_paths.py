"""Where the coordinator's desk shows a thing: the paths the emails link to and the portal serves.

One place for them, so that a digest, a receipt copy or an extension request written by the engine
links to the very page ``web/`` serves. A path opened without a session leads to the sign-in page,
which sends a one-time link and comes back to the path.
"""

from __future__ import annotations

DESK = "/desk"


def board(run_id: int) -> str:
    """A run's board: agencies × cycles, each cell's state."""
    return f"{DESK}/runs/{run_id}"


def submission(run_id: int, submission_id: int) -> str:
    """One submission laid out as its form reads, its versions side by side."""
    return f"{board(run_id)}/submissions/{submission_id}"


def extensions(run_id: int) -> str:
    """The run's requests for more time, to approve or deny."""
    return f"{board(run_id)}/extensions"


def forwards(run_id: int) -> str:
    """Forwards to outside addresses waiting for the coordinator's approval."""
    return f"{board(run_id)}/forwards"


def emails(run_id: int) -> str:
    """The run's emails; failed ones first, with the mail server's reason."""
    return f"{board(run_id)}/emails"


def history(run_id: int) -> str:
    """Every move of the run, who made it and why."""
    return f"{board(run_id)}/history"


def report(run_id: int, year: int) -> str:
    """The consolidated report of one cycle and its files."""
    return f"{board(run_id)}/reports/{year}"


def desk_url(base_url: str, path: str) -> str:
    """The address of a desk ``path`` on the portal at ``base_url`` (settings' SXSH_BASE_URL)."""
    return base_url.rstrip("/") + path
