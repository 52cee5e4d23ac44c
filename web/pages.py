"""The portal's pages: the words (Vietnamese first, English beside them), the language, the templates.

Every word a page shows is in ``TEXT`` as a (Vietnamese, English) pair, so the two languages cannot
drift apart template by template. The language is Vietnamese unless the installation says otherwise;
``?lang=en`` (or ``vi``) switches it and a cookie remembers the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse

from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.notifications import formatting

TEMPLATE_FOLDER = Path(__file__).with_name("templates")
LANGUAGES = ("vi", "en")
LANGUAGE_COOKIE = "sxsh_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

TEXT: dict[str, tuple[str, str]] = {
    "site": ("Cổng báo cáo sản xuất sạch hơn", "Cleaner production reporting portal"),
    "skip": ("Chuyển đến nội dung chính", "Skip to main content"),
    "switch": ("English", "Tiếng Việt"),
    "plan": ("Kế hoạch", "Plan"),
    "agency": ("Cơ quan", "Agency"),
    "reporter": ("Người báo cáo", "Reporting as"),
    "cycle": ("Kỳ báo cáo", "Reporting cycle"),
    "cutoff": ("Thời gian chốt số liệu", "Data cut-off period"),
    "deadline": ("Hạn nộp", "Deadline"),
    "state": ("Trạng thái", "Status"),
    "task": ("Nhiệm vụ", "Task"),
    "returned_comment": ("Ý kiến khi trả lại báo cáo", "Comment on the returned report"),
    "pending_extension": (
        "Đề nghị gia hạn đến {day} đang chờ xem xét.",
        "Your request for more time, until {day}, awaits a decision.",
    ),
    "versions": ("Các phiên bản đã lưu", "Saved versions"),
    "version": ("Phiên bản {number}", "Version {number}"),
    "sent_on": ("gửi lúc {moment}", "sent {moment}"),
    "on_time": ("đúng hạn", "on time"),
    "late": ("sau hạn", "late"),
    "draft": ("bản nháp", "draft"),
    "submitted": ("đã gửi, chờ xem xét", "submitted, awaiting review"),
    "accepted": ("đã được chấp nhận", "accepted"),
    "returned": ("đã trả lại để sửa", "returned for changes"),
    "report": ("Báo cáo", "Report"),
    "required_note": (
        "Mục có dấu * phải điền trước khi gửi báo cáo; bản nháp có thể để trống.",
        "Fields marked * must be filled in before you submit; a draft may leave them empty.",
    ),
    "number_note": (
        "Viết số theo kiểu Việt Nam: dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân "
        "(ví dụ 1.234.567 và 8,5).",
        "Write numbers the Vietnamese way: a dot between thousands, a comma before decimals "
        "(for example 1.234.567 and 8,5).",
    ),
    "error_prefix": ("Lỗi", "Error"),
    "required_mark": ("bắt buộc khi gửi", "required to submit"),
    "group_indicators": ("Chỉ tiêu", "Indicators"),
    "group_fields": ("Số liệu khác", "Other figures"),
    "group_sections": ("Nội dung báo cáo", "Report text"),
    "group_funding": ("Kinh phí thực hiện (đồng)", "Funding (đồng)"),
    "group_enterprises": ("Doanh nghiệp, cơ sở tham gia", "Enterprises taking part"),
    "enterprises_note": (
        "Điền mỗi doanh nghiệp một dòng; dòng để trống sẽ được bỏ qua.",
        "One enterprise per row; empty rows are ignored.",
    ),
    "enterprise": ("Doanh nghiệp {number}", "Enterprise {number}"),
    "enterprise_name": ("Tên doanh nghiệp", "Enterprise name"),
    "enterprise_sector": ("Ngành nghề", "Sector"),
    "enterprise_participation": ("Hình thức tham gia", "Participation"),
    "choose": ("— Chọn —", "— Choose —"),
    "attachments": ("Tệp đính kèm", "Attachments"),
    "attachments_hint": (
        "PDF, Word, Excel hoặc ảnh (PNG, JPG); mỗi tệp tối đa {limit} MB.",
        "PDF, Word, Excel or images (PNG, JPG); at most {limit} MB each.",
    ),
    "attached": ("Tệp đã đính kèm", "Files attached"),
    "save_draft": ("Lưu nháp", "Save draft"),
    "submit": ("Gửi báo cáo", "Submit report"),
    "draft_saved": (
        "Đã lưu bản nháp. Bạn có thể quay lại bằng đường liên kết trong thư để hoàn thành và gửi.",
        "Draft saved. Come back through the link in your email to finish and submit it.",
    ),
    "errors_title": ("Có {count} mục cần sửa", "{count} field(s) need correcting"),
    "errors_not_sent": (
        "Báo cáo chưa được gửi. Các mục điền đúng đã được lưu nháp.",
        "The report was not sent. The fields filled in correctly were saved as a draft.",
    ),
    "errors_draft": (
        "Bản nháp đã được lưu, trừ các mục dưới đây.",
        "The draft was saved, except for the fields below.",
    ),
    "already_sent": (
        "Báo cáo đã được gửi và đang chờ xem xét. Nếu cần sửa, đơn vị tổng hợp sẽ trả lại kèm ý kiến "
        "và bạn sẽ nhận thư với đường liên kết.",
        "The report has been sent and awaits review. If it needs changes, the coordinator will return "
        "it with a comment and you will get an email with a link.",
    ),
    "values_sent": ("Nội dung đã gửi", "What was sent"),
    "extension_title": ("Đề nghị gia hạn", "Ask for more time"),
    "extension_note": (
        "Nếu không kịp nộp đúng hạn, hãy nêu lý do và ngày có thể nộp; đơn vị tổng hợp sẽ trả lời qua thư.",
        "If you cannot report by the deadline, give the reason and the date you can; the coordinator "
        "will answer by email.",
    ),
    "reason": ("Lý do", "Reason"),
    "proposed_until": ("Đề nghị gia hạn đến ngày", "New deadline asked for"),
    "date_hint": ("Dạng dd/mm/yyyy, ví dụ 15/01/2017.", "As dd/mm/yyyy, for example 15/01/2017."),
    "send_extension": ("Gửi đề nghị gia hạn", "Send the request"),
    "reason_missing": ("Vui lòng nêu lý do đề nghị gia hạn.", "Please give a reason for the extension."),
    "date_invalid": (
        "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/01/2017.",
        "Enter a date as dd/mm/yyyy, for example 15/01/2017.",
    ),
    "extension_sent_title": ("Đã gửi đề nghị gia hạn", "Extension request sent"),
    "extension_sent": (
        "Đề nghị gia hạn đến {day} đã được ghi nhận. Đơn vị tổng hợp sẽ trả lời qua thư điện tử.",
        "Your request for more time, until {day}, has been recorded. The coordinator will answer by email.",
    ),
    "forward_title": ("Chuyển cho đồng nghiệp", "Forward to a colleague"),
    "forward_note": (
        "Đồng nghiệp cùng cơ quan sẽ nhận thư kèm đường liên kết riêng để báo cáo nhiệm vụ này.",
        "A colleague in your agency will get an email with a link of their own to report on this task.",
    ),
    "colleague_name": ("Họ và tên", "Name"),
    "colleague_email": ("Địa chỉ thư điện tử", "Email address"),
    "send_forward": ("Gửi đường liên kết", "Send the link"),
    "forwarded_title": ("Đã chuyển nhiệm vụ", "Task forwarded"),
    "forwarded": (
        "Thư kèm đường liên kết đã được xếp gửi tới {email}.",
        "An email with a link has been queued for {email}.",
    ),
    "receipt_title": ("Đã nhận báo cáo", "Report received"),
    "receipt": (
        "Đã nhận phiên bản {number} của báo cáo lúc {moment}.",
        "Version {number} of the report was received on {moment}.",
    ),
    "receipt_on_time": ("Báo cáo được nộp đúng hạn (hạn nộp {deadline}).", "It came in on time (deadline {deadline})."),
    "receipt_late": ("Báo cáo được nộp sau hạn (hạn nộp {deadline}).", "It came in late (deadline {deadline})."),
    "receipt_mail": ("Thư xác nhận sẽ được gửi tới {email}.", "A confirmation will be emailed to {email}."),
    "back": ("Quay lại trang báo cáo", "Back to the report page"),
    "bad_link_title": ("Đường liên kết không dùng được", "This link cannot be used"),
    "bad_link": (
        "Đường liên kết này không đúng hoặc không còn hiệu lực: có thể nó đã hết hạn, đã được thay bằng "
        "đường liên kết mới, hoặc bị sao chép thiếu.",
        "This link is not right or no longer works: it may have expired, been replaced by a newer one, "
        "or been copied incompletely.",
    ),
    "bad_link_next": (
        "Vui lòng mở thư mới nhất về nhiệm vụ này, hoặc liên hệ đơn vị đã gửi thư cho bạn để được gửi lại "
        "đường liên kết.",
        "Please open the latest email about this task, or ask the office that emailed you to send the link again.",
    ),
    "expired_title": ("Biểu mẫu đã hết hạn", "This form has expired"),
    "expired": (
        "Để bảo vệ báo cáo của bạn, mỗi biểu mẫu chỉ dùng được trong một thời gian. Chưa có gì được lưu.",
        "To protect your report, each form works only for a while. Nothing was saved.",
    ),
    "expired_next": (
        "Vui lòng mở lại đường liên kết và gửi lại.",
        "Please open the link again and send it once more.",
    ),
    "open_again": ("Mở lại biểu mẫu", "Open the form again"),
    "too_large_title": ("Dữ liệu gửi lên quá lớn", "Too much data sent"),
    "too_large": (
        "Mỗi lần gửi không được quá {limit} MB. Chưa có gì được lưu. Vui lòng gửi ít tệp hơn hoặc tệp nhỏ hơn.",
        "One sending may not exceed {limit} MB. Nothing was saved. Please send fewer or smaller files.",
    ),
    "not_expected_title": ("Không cần gửi báo cáo này", "No report is expected here"),
    "problem_title": ("Chưa thực hiện được", "This could not be done"),
    "bad_request": (
        "Không đọc được dữ liệu gửi lên. Vui lòng mở lại đường liên kết và thử lại.",
        "The data sent could not be read. Please open the link again and try once more.",
    ),
    "not_allowed": ("Trang này không hỗ trợ thao tác đó.", "This page does not support that."),
    "server_error_title": ("Hệ thống đang gặp sự cố", "Something went wrong on our side"),
    "server_error": (
        "Lỗi đã được ghi lại để khắc phục. Chưa có gì được lưu; vui lòng thử lại sau ít phút.",
        "The error has been logged. Nothing was saved; please try again in a few minutes.",
    ),
}


def text(key: str, language: str, **values: object) -> str:
    vietnamese, english = TEXT[key]
    phrase = english if language == "en" else vietnamese
    return phrase.format(**values) if values else phrase


def requested_language(connection: HTTPConnection) -> str | None:
    """The language asked for by ``?lang=``, if it is one we have."""
    asked = connection.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def language_of(connection: HTTPConnection, default: str) -> str:
    remembered = connection.cookies.get(LANGUAGE_COOKIE)
    return requested_language(connection) or (remembered if remembered in LANGUAGES else default)


def long_date(day: date, language: str) -> str:
    return formatting.en_long_date(day) if language == "en" else formatting.vn_long_date(day)


def moment(instant: datetime, language: str) -> str:
    """An instant as people in Vietnam read it: 15/12/2016 09:30 (Vietnam time)."""
    local = instant.astimezone(VIETNAM)
    if language == "en":
        return f"{formatting.en_date(local.date())}, {local:%H:%M}"
    return f"{local:%H:%M} ngày {formatting.vn_date(local.date())}"


class Pages:
    """Renders templates into responses, with the language, its switch and the cookie that remembers it."""

    def __init__(self, default_language: str) -> None:
        self.default_language = default_language if default_language in LANGUAGES else "vi"
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATE_FOLDER),
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.environment.filters["vn_date"] = formatting.vn_date

    def language(self, connection: HTTPConnection) -> str:
        return language_of(connection, self.default_language)

    def html(
        self, template: str, context: Mapping[str, Any], *, language: str, switch_url: str | None = None, root: str = ""
    ) -> str:
        def t(key: str, **values: object) -> str:
            return text(key, language, **values)

        def t_en(key: str, **values: object) -> str:
            return text(key, "en", **values)

        return self.environment.get_template(template).render(
            {
                **context,
                "lang": language,
                "t": t,
                "t_en": t_en,
                "root": root,
                "switch_url": switch_url,
                "switch_lang": "vi" if language == "en" else "en",
                "long_date": lambda day: long_date(day, language),
                "moment": lambda instant: moment(instant, language),
                "cycle_name": lambda label: formatting.cycle_name(label, language),
            }
        )

    def render(
        self,
        connection: HTTPConnection,
        template: str,
        context: Mapping[str, Any],
        *,
        status: int = 200,
        switch_path: str | None = None,
    ) -> HTMLResponse:
        """``switch_path``: where the language switch leads (the link page itself; never a POST-only URL)."""
        language = self.language(connection)
        other = "en" if language == "vi" else "vi"
        root = connection.scope.get("root_path", "")
        switch_url = f"{root}{switch_path}?lang={other}" if switch_path else None
        html = self.html(template, context, language=language, switch_url=switch_url, root=root)
        response = HTMLResponse(html, status_code=status)
        asked = requested_language(connection)
        if asked is not None:
            response.set_cookie(
                LANGUAGE_COOKIE, asked, max_age=LANGUAGE_COOKIE_AGE, path="/", httponly=True, samesite="lax"
            )
        return response
