"""One error hierarchy for everything a user can get wrong or the world can do to us.

Each error builds its own message from the ids it is about, in Vietnamese (the coordinator's
language) and English, and says what to do next. The CLI maps ``exit_code``; the web app maps
``http_status``. Nothing else in the code base formats an error for a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


class SxshError(Exception):
    """Base of every error sxsh-flow raises on purpose."""

    exit_code: int = 1
    http_status: int = 400

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, language: str = "vi") -> str:
        return self.message_en if language == "en" else self.message_vi


class ConfigurationError(SxshError):
    """A setting from the environment or the command line is unusable."""

    exit_code = 78  # EX_CONFIG

    def __init__(self, setting: str, value: str, hint_vi: str, hint_en: str) -> None:
        self.setting = setting
        self.value = value
        super().__init__(
            f"Cấu hình {setting}={value!r} không dùng được: {hint_vi}",
            f"Setting {setting}={value!r} is unusable: {hint_en}",
        )


class StoreUnavailable(SxshError):
    """The database cannot be opened or migrated."""

    exit_code = 69  # EX_UNAVAILABLE
    http_status = 503

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(
            f"Không mở được cơ sở dữ liệu {url}: {reason}. Kiểm tra SXSH_DATABASE_URL hoặc SXSH_HOME.",
            f"Cannot open the database {url}: {reason}. Check SXSH_DATABASE_URL or SXSH_HOME.",
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, with where it is and how to fix it."""

    source: str
    path: str
    line: int | None
    message: str
    hint: str = ""

    def place(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.path}" if self.path else where

    def __str__(self) -> str:
        text = f"{self.place()}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class InvalidDataFile(SxshError):
    """A plan file or agency directory has problems; every one of them is listed."""

    exit_code = 65  # EX_DATAERR

    def __init__(self, source: str, problems: Sequence[Problem], what_vi: str, what_en: str) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{what_vi} {source} có {count} lỗi; chưa có gì được ghi.",
            f"{what_en} {source} has {count} problem(s); nothing was written.",
        )


class InvalidPlan(InvalidDataFile):
    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        super().__init__(source, problems, "Tệp kế hoạch", "Plan file")


class InvalidDirectory(InvalidDataFile):
    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        super().__init__(source, problems, "Danh bạ cơ quan", "Agency directory")


class UnknownPlan(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, key: str, known: Sequence[str]) -> None:
        self.key = key
        listing = ", ".join(known) or "-"
        super().__init__(
            f"Không có kế hoạch '{key}'. Các kế hoạch có sẵn: {listing}; hoặc dùng --plan-file TỆP.",
            f"No plan '{key}'. Built-in plans: {listing}; or pass --plan-file FILE.",
        )


class UnknownAgency(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, code: str, province: str | None = None) -> None:
        self.code = code
        self.province = province
        where_vi = f" trong danh bạ tỉnh {province}" if province else ""
        where_en = f" in the directory of province {province}" if province else ""
        super().__init__(
            f"Không có cơ quan mã '{code}'{where_vi}. Xem: sxsh-flow agencies list",
            f"No agency with code '{code}'{where_en}. See: sxsh-flow agencies list",
        )


class UnknownProvince(SxshError, LookupError):
    exit_code = 2

    def __init__(self, code: str, known: Sequence[str]) -> None:
        self.code = code
        listing = ", ".join(known) or "-"
        super().__init__(
            f"Chưa có danh bạ cơ quan cho tỉnh '{code}'. Đã có: {listing}. "
            "Nạp danh bạ bằng: sxsh-flow agencies import TỆP",
            f"No agency directory for province '{code}'. Known: {listing}. "
            "Load one with: sxsh-flow agencies import FILE",
        )


class UnknownRun(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, run: str) -> None:
        self.run = run
        super().__init__(
            f"Không có lượt thực hiện kế hoạch '{run}'. Xem: sxsh-flow status",
            f"No plan run '{run}'. See: sxsh-flow status",
        )


class PlanAlreadyStarted(SxshError):
    exit_code = 3
    http_status = 409

    def __init__(self, plan_key: str, province: str, run_id: int | None) -> None:
        self.plan_key = plan_key
        self.province = province
        self.run_id = run_id
        run = f" {run_id}" if run_id is not None else ""
        super().__init__(
            f"Kế hoạch {plan_key} đã được khởi động cho tỉnh {province} (lượt{run}); "
            f"không tạo gì thêm. Xem: sxsh-flow status{run}",
            f"Plan {plan_key} is already started for province {province} (run{run}); "
            f"nothing was created. See: sxsh-flow status{run}",
        )


class PlanPeriodOver(SxshError):
    exit_code = 3

    def __init__(self, plan_key: str, last_due: str, replay_command: str) -> None:
        self.plan_key = plan_key
        self.last_due = last_due
        self.replay_command = replay_command
        super().__init__(
            f"Kế hoạch {plan_key} đã kết thúc (hạn cuối {last_due}); không khởi động lại theo "
            f"giờ thực. Để chạy lại theo thời gian mô phỏng: {replay_command}",
            f"Plan {plan_key} is over (last deadline {last_due}); it is not started against the "
            f"real clock. To replay it on a simulated clock: {replay_command}",
        )


class NoAgencyForTask(SxshError):
    exit_code = 65

    def __init__(self, plan_key: str, task_key: str, selector: str, province: str, on: date) -> None:
        self.plan_key = plan_key
        self.task_key = task_key
        self.on = on
        day = on.strftime("%d/%m/%Y")
        super().__init__(
            f"Nhiệm vụ {task_key} của kế hoạch {plan_key} giao cho '{selector}', nhưng danh bạ "
            f"tỉnh {province} không có cơ quan nào như vậy còn hoạt động ngày {day}. "
            "Bổ sung danh bạ (sxsh-flow agencies import TỆP) hoặc sửa kế hoạch.",
            f"Task {task_key} of plan {plan_key} is assigned to '{selector}', but the directory "
            f"of province {province} has no such agency in existence on {day}. "
            "Complete the directory (sxsh-flow agencies import FILE) or correct the plan.",
        )


class TransitionNotAllowed(SxshError):
    exit_code = 4
    http_status = 409

    def __init__(self, machine: str, entity_id: object, state: str, transition: str) -> None:
        self.machine = machine
        self.entity_id = entity_id
        self.state = state
        self.transition = transition
        super().__init__(
            f"Không thể '{transition}' {machine} #{entity_id} khi đang ở trạng thái '{state}'.",
            f"Cannot '{transition}' {machine} #{entity_id} while it is '{state}'.",
        )


class UnknownOutboxMessage(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, outbox_id: int) -> None:
        self.outbox_id = outbox_id
        super().__init__(
            f"Không có thư số {outbox_id} trong hộp thư đi. Xem: sxsh-flow outbox list",
            f"No message {outbox_id} in the outbox. See: sxsh-flow outbox list",
        )


class UnknownSubmission(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        super().__init__(
            f"Không có báo cáo số {submission_id}. Xem: sxsh-flow submissions list",
            f"No submission {submission_id}. See: sxsh-flow submissions list",
        )


class UnknownExtension(SxshError, LookupError):
    exit_code = 2
    http_status = 404

    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        super().__init__(
            f"Không có đề nghị gia hạn số {request_id}. Xem: sxsh-flow extensions list",
            f"No extension request {request_id}. See: sxsh-flow extensions list",
        )


class ReportNotExpected(SxshError):
    """A report sent for a task run that is not waiting for one (already submitted, accepted...)."""

    exit_code = 4
    http_status = 409

    def __init__(self, task_run_id: int, state: str) -> None:
        self.task_run_id = task_run_id
        self.state = state
        super().__init__(
            "Báo cáo này đã được gửi và đang chờ xem xét, hoặc không còn cần nộp.",
            "This report was sent and awaits review, or is no longer expected.",
        )


class InvalidRequest(SxshError):
    """Something a person asked for through the portal that cannot be done as asked."""

    exit_code = 65
    http_status = 422


class UnknownCycle(SxshError, LookupError):
    """A reporting cycle the run does not have (or one that was cancelled)."""

    exit_code = 2
    http_status = 404

    def __init__(self, run_id: int, label: str, known: Sequence[str]) -> None:
        self.run_id = run_id
        self.label = label
        listing = ", ".join(known) or "-"
        super().__init__(
            f"Lượt {run_id} không có kỳ báo cáo '{label}'. Các kỳ có: {listing}. Xem: sxsh-flow status {run_id}",
            f"Run {run_id} has no reporting cycle '{label}'. Its cycles: {listing}. See: sxsh-flow status {run_id}",
        )


class UnknownReportFormat(SxshError, ValueError):
    """An output format the consolidated report is not written in."""

    exit_code = 2

    def __init__(self, given: str, known: Sequence[str]) -> None:
        self.given = given
        listing = ", ".join(known)
        super().__init__(
            f"Không xuất được báo cáo dạng '{given}'. Chọn một trong: {listing} (--format, hoặc đuôi tệp của -o).",
            f"Cannot write the report as '{given}'. Choose one of: {listing} (--format, or the -o file's extension).",
        )


class PrefectServerNotConfigured(SxshError):
    """``sxsh-flow deploy`` was run without PREFECT_API_URL: there is no server to register on."""

    exit_code = 78  # EX_CONFIG

    def __init__(self) -> None:
        super().__init__(
            "Chưa đặt PREFECT_API_URL nên không có máy chủ Prefect để đăng ký. Chạy `prefect server start` "
            "rồi `export PREFECT_API_URL=http://127.0.0.1:4200/api` (địa chỉ máy chủ đó).",
            "PREFECT_API_URL is not set, so there is no Prefect server to register on. Run `prefect server start`, "
            "then `export PREFECT_API_URL=http://127.0.0.1:4200/api` (that server's address).",
        )


class PrefectServerUnavailable(SxshError):
    """The Prefect server PREFECT_API_URL names does not answer (or is not a Prefect server)."""

    exit_code = 69  # EX_UNAVAILABLE

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            f"Máy chủ Prefect {url} không trả lời ({reason}). Kiểm tra PREFECT_API_URL và máy chủ "
            "(`prefect server start`); chưa đăng ký gì.",
            f"The Prefect server {url} does not answer ({reason}). Check PREFECT_API_URL and the server "
            "(`prefect server start`); nothing was registered.",
        )
