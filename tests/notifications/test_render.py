"""Every kind of message renders in Vietnamese and English and says what the reader needs to act."""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from datetime import date

import pytest
from jinja2 import UndefinedError

from sxsh_flow.engine.message import MessageKind, ReceiptInfo
from sxsh_flow.engine.time_policy import DayUnit, TimePolicy
from sxsh_flow.notifications.render import render
from sxsh_flow.words import words

from .conftest import (
    COLLEAGUE,
    COORDINATOR,
    EXTENSION_COMMENT,
    EXTENSION_REFUSED,
    FORWARDED_LINK,
    FORWARDER,
    PLAN,
    REFUSAL_COMMENT,
    RESEARCH,
    RETURN_COMMENT,
    TECHNOLOGY,
    make_context,
)

SINGLE_TASK_KINDS = [MessageKind.REQUEST, MessageKind.REMINDER, MessageKind.DUE_TODAY, MessageKind.OVERDUE]
ANSWER_KINDS = [MessageKind.RECEIPT, MessageKind.RETURNED, MessageKind.EXTENSION, MessageKind.FORWARDED]
LINK = RESEARCH.reply_url or ""
# Summaries to the coordinator, about many agencies' tasks rather than the reader's own.
COORDINATOR_KINDS = {MessageKind.DIGEST, MessageKind.CYCLE_CLOSED, MessageKind.SUCCESSION, MessageKind.SIGN_IN}
# To the coordinator about one agency's task: they name it, but the letter is not the agency's.
TO_THE_COORDINATOR = {MessageKind.FORWARD_APPROVAL, MessageKind.EXTENSION_REQUEST}


def test_every_kind_renders_in_both_languages(kind: MessageKind, language: str) -> None:
    rendered = render(make_context(kind), language)

    assert rendered.subject
    assert rendered.text.endswith("\n")
    assert not rendered.text.endswith("\n\n")
    assert rendered.html.startswith("<!DOCTYPE html>")


def test_subjects_are_one_line_and_name_the_plan(kind: MessageKind, language: str) -> None:
    subject = render(make_context(kind), language).subject

    assert "\n" not in subject
    assert "  " not in subject
    assert subject == subject.strip()
    assert PLAN.short_title in subject


@pytest.mark.parametrize("kind", [*SINGLE_TASK_KINDS, *ANSWER_KINDS], ids=str)
def test_subjects_of_single_task_messages_name_the_task(kind: MessageKind, language: str) -> None:
    assert RESEARCH.title in render(make_context(kind), language).subject


def test_a_subject_stays_on_one_line_when_a_title_holds_line_breaks() -> None:
    task = dataclasses.replace(RESEARCH, title="Nghiên cứu các giải pháp SXSH\n  trên từng lĩnh vực")
    subject = render(make_context(MessageKind.REQUEST, tasks=(task,))).subject

    assert "Nghiên cứu các giải pháp SXSH trên từng lĩnh vực" in subject


@pytest.mark.parametrize(
    "kind",
    [k for k in MessageKind if k not in {*COORDINATOR_KINDS, *TO_THE_COORDINATOR}],
    ids=str,
)
def test_messages_about_tasks_say_plan_basis_task_deadline_and_contact(kind: MessageKind) -> None:
    context = make_context(kind)
    due = context.tasks[0].due_on  # 21/12/2016, or 28/12/2016 once extended
    rendered = render(context)

    for body in (rendered.text, html.unescape(rendered.html)):
        assert PLAN.title in body
        assert "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ" in body
        assert RESEARCH.title in body
        assert "năm 2016" in body
        assert "15/12/2015" in body
        assert "14/12/2016" in body
        assert words("vi").weekday(due) in body
        assert words("vi").date(due) in body
        assert COORDINATOR.name in body
        assert COORDINATOR.email in body
        assert "Trân trọng." in body


def test_the_text_of_a_request_reads_like_an_administrative_letter() -> None:
    text = render(make_context(MessageKind.REQUEST)).text

    assert text.startswith("Kính gửi: Sở Khoa học và Công nghệ tỉnh Hải Dương\n(Người nhận: Ông/Bà Đặng Văn Hải)\n")
    assert (
        "Thực hiện Kế hoạch thực hiện Chiến lược sản xuất sạch hơn trong công nghiệp trên địa bàn tỉnh Hải Dương "
        "giai đoạn 2016 - 2020 (căn cứ Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ), "
        "Sở Công Thương tỉnh Hải Dương đề nghị Quý đơn vị báo cáo" in text
    )
    assert "   Hạn nộp báo cáo: Thứ Tư, 21/12/2016\n" in text
    assert "   Thời gian chốt số liệu: từ ngày 15/12/2015 đến ngày 14/12/2016\n" in text
    assert "\nTrân trọng.\n\nSở Công Thương tỉnh Hải Dương\n" in text


def test_the_english_request_is_the_same_letter() -> None:
    text = render(make_context(MessageKind.REQUEST), "en").text

    assert "Decision No. 1419/QĐ-TTg of 7 September 2009 by the Prime Minister" in text
    assert "   Report due: Wednesday, 21 December 2016\n" in text
    assert "   Data period: from 15 December 2015 to 14 December 2016\n" in text
    assert "Yours faithfully," in text


def test_a_letter_cites_only_documents_issued_by_its_date() -> None:
    in_2016 = render(make_context(MessageKind.REQUEST)).text
    in_2020 = render(make_context(MessageKind.REQUEST, today=date(2020, 11, 20))).text

    assert "09/2019/NĐ-CP" not in in_2016
    assert (
        "căn cứ Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ; "
        "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ)" in in_2020
    )


def test_the_reply_link_is_shown_when_there_is_one(language: str) -> None:
    rendered = render(make_context(MessageKind.REQUEST), language)
    label = "Báo cáo trực tuyến" if language == "vi" else "Report online"

    assert f"{label}: {LINK}\n" in rendered.text
    assert f'href="{html.escape(LINK)}"' in rendered.html
    assert f"{label}: <a " in rendered.html
    assert "thư tiếp theo" not in rendered.text
    assert "later email" not in rendered.text


def test_without_a_reply_link_the_letter_says_it_comes_later_or_to_reply() -> None:
    rendered = render(make_context(MessageKind.REQUEST, tasks=(TECHNOLOGY,)))

    assert "Báo cáo trực tuyến:" not in rendered.text
    for body in (rendered.text, rendered.html):
        assert "Đường dẫn báo cáo trực tuyến sẽ được gửi trong thư tiếp theo" in body
        assert "trả lời thư này" in body
    english = render(make_context(MessageKind.REQUEST, tasks=(TECHNOLOGY,)), "en").text
    assert "The link to report online will come in a later email" in english
    assert "replying to this email" in english


def test_a_reminder_says_how_many_working_days_are_left() -> None:
    rendered = render(make_context(MessageKind.REMINDER))

    assert rendered.subject.endswith("còn 3 ngày làm việc")
    assert "Đến nay chỉ còn 3 ngày làm việc là đến hạn nộp báo cáo:" in rendered.text
    assert "   Thời gian còn lại: 3 ngày làm việc\n" in rendered.text
    assert "còn 3 ngày làm việc" in rendered.html
    assert "Only 3 working days remain before the deadline:" in render(make_context(MessageKind.REMINDER), "en").text


def test_a_reminder_counts_working_days_itself_when_the_engine_did_not() -> None:
    # Friday 16/12/2016 to Wednesday 21/12/2016: Monday, Tuesday, Wednesday.
    rendered = render(make_context(MessageKind.REMINDER, tasks=(RESEARCH,)))

    assert "còn 3 ngày làm việc" in rendered.subject
    one_day = render(make_context(MessageKind.REMINDER, tasks=(RESEARCH,), today=date(2016, 12, 20)), "en")
    assert "Only 1 working day remains before the deadline:" in one_day.text


def test_an_overdue_message_says_how_many_working_days_late() -> None:
    rendered = render(make_context(MessageKind.OVERDUE))

    assert "đã quá hạn 2 ngày làm việc" in rendered.subject
    assert "Đến ngày Thứ Sáu, 23/12/2016, Sở Công Thương tỉnh Hải Dương chưa nhận được báo cáo" in rendered.text
    assert "   Đã quá hạn: 2 ngày làm việc\n" in rendered.text
    assert "quá hạn 2 ngày làm việc" in rendered.html
    # Counted over the weekend: Thursday 22, Friday 23 and Monday 26/12/2016.
    counted = render(make_context(MessageKind.OVERDUE, tasks=(RESEARCH,), today=date(2016, 12, 26)))
    assert "đã quá hạn 3 ngày làm việc" in counted.subject


def test_under_a_calendar_day_policy_the_counts_say_days_not_working_days(language: str) -> None:
    # A plan whose reminder rules count calendar days: the engine counts 5 days (22–26/12/2016,
    # weekend included) and the message says so, in each language, in the text and the HTML.
    calendar_days = TimePolicy(unit=DayUnit.CALENDAR)
    context = make_context(MessageKind.OVERDUE, calendar_days, tasks=(RESEARCH,), today=date(2016, 12, 26))
    rendered = render(context, language)

    assert {"vi": "đã quá hạn 5 ngày:", "en": "overdue by 5 days:"}[language] in rendered.subject
    assert "làm việc" not in rendered.text
    assert "working" not in rendered.text
    assert "làm việc" not in rendered.html
    assert "working" not in rendered.html


def test_an_escalation_is_addressed_to_the_head_of_the_agency() -> None:
    rendered = render(make_context(MessageKind.ESCALATION))

    assert rendered.text.startswith(
        "Kính gửi: Lãnh đạo Sở Khoa học và Công nghệ tỉnh Hải Dương\n(Ông/Bà Bùi Thị Hạnh)\n"
    )
    assert "Lãnh đạo Sở Khoa học và Công nghệ tỉnh Hải Dương" in rendered.html
    assert "trân trọng đề nghị Lãnh đạo Quý đơn vị quan tâm, chỉ đạo" in rendered.text
    assert "thời hạn nộp đã quá 5 ngày làm việc" in rendered.text
    assert TECHNOLOGY.title in rendered.text
    assert render(make_context(MessageKind.ESCALATION), "en").text.startswith(
        "To: the Head of Sở Khoa học và Công nghệ tỉnh Hải Dương\n"
    )


def test_a_receipt_confirms_the_version_and_the_day_on_time() -> None:
    rendered = render(make_context(MessageKind.RECEIPT))

    assert "(lần 2)" in rendered.subject
    assert "   Bản báo cáo: lần 2\n" in rendered.text
    assert "   Ngày nhận: Thứ Ba, 20/12/2016\n" in rendered.text
    assert "   Thời hạn: đúng hạn\n" in rendered.text
    assert "đúng hạn" in rendered.html
    assert "Timeliness: on time" in render(make_context(MessageKind.RECEIPT), "en").text


def test_a_late_receipt_says_by_how_many_working_days() -> None:
    late = ReceiptInfo(version=1, received_on=date(2016, 12, 23), on_time=False, days_late=2)
    rendered = render(make_context(MessageKind.RECEIPT, receipt=late))

    assert "   Thời hạn: nộp muộn 2 ngày làm việc\n" in rendered.text
    assert "nộp muộn 2 ngày làm việc" in rendered.html
    assert "Timeliness: late by 2 working days" in render(make_context(MessageKind.RECEIPT, receipt=late), "en").text


def test_a_returned_report_quotes_the_comment_and_asks_for_a_corrected_version(language: str) -> None:
    rendered = render(make_context(MessageKind.RETURNED), language)
    first_line, second_line = RETURN_COMMENT.splitlines()

    # The comment as written, its second line aligned under the first in the text.
    assert f"   “{first_line}\n    {second_line}”\n" in rendered.text
    assert f"{html.escape(first_line)}<br>{html.escape(second_line)}</blockquote>" in rendered.html
    for body in (rendered.text, html.unescape(rendered.html)):
        assert "21/12/2016" in body or "21 December 2016" in body
        assert LINK in body
    if language == "vi":
        assert "(lần 1)" in rendered.subject
        assert "Đề nghị chỉnh sửa, bổ sung báo cáo năm 2016 (lần 1): " in rendered.subject
        assert "   Bản báo cáo: lần 1\n" in rendered.text
        assert "Ý kiến của Sở Công Thương tỉnh Hải Dương:\n" in rendered.text
        assert "gửi lại báo cáo chậm nhất vào Thứ Tư, ngày 21/12/2016." in rendered.text
        assert f"Báo cáo trực tuyến: {LINK}\nĐường dẫn báo cáo trong các thư trước không còn sử dụng được.\n" in (
            rendered.text
        )
    else:
        assert "returned for correction (version 1)" in rendered.subject
        assert "Please send the corrected report no later than Wednesday, 21 December 2016." in rendered.text
        assert f"Report online: {LINK}\nThe links in earlier emails no longer work.\n" in rendered.text


def test_a_report_returned_after_the_deadline_asks_for_it_as_soon_as_possible() -> None:
    # Returned on Monday 26/12/2016: Thursday 22, Friday 23 and Monday 26 are past the deadline.
    rendered = render(make_context(MessageKind.RETURNED, today=date(2016, 12, 26)))

    assert "Thời hạn nộp báo cáo đã quá 3 ngày làm việc" in rendered.text
    assert "trong thời gian sớm nhất" in rendered.text
    assert "chậm nhất vào" not in rendered.text


def test_a_return_without_comment_or_link_says_whom_to_ask_and_how_to_reply() -> None:
    rendered = render(make_context(MessageKind.RETURNED, comment="", receipt=None, tasks=(TECHNOLOGY,)))

    assert "(lần" not in rendered.subject
    assert "Ý kiến của" not in rendered.text
    assert "liên hệ Sở Công Thương tỉnh Hải Dương theo thông tin dưới đây để được hướng dẫn" in rendered.text
    assert "Báo cáo trực tuyến:" not in rendered.text
    assert "trả lời thư này và đính kèm tệp báo cáo" in rendered.text
    assert "<blockquote" not in rendered.html


def test_a_comment_is_shown_as_text_in_html() -> None:
    rendered = render(make_context(MessageKind.RETURNED, comment="Xem lại <b>biểu 2</b> & bổ sung"))

    assert "“Xem lại <b>biểu 2</b> & bổ sung”" in rendered.text
    assert "Xem lại &lt;b&gt;biểu 2&lt;/b&gt; &amp; bổ sung</blockquote>" in rendered.html


def test_a_granted_extension_gives_the_new_deadline_with_its_weekday(language: str) -> None:
    rendered = render(make_context(MessageKind.EXTENSION), language)

    for body in (rendered.text, html.unescape(rendered.html)):
        assert EXTENSION_COMMENT in body
    if language == "vi":
        assert "Chấp thuận gia hạn nộp báo cáo năm 2016 đến ngày 28/12/2016: " in rendered.subject
        assert "về việc gia hạn thời hạn nộp báo cáo năm 2016 đến ngày 30/12/2016." in rendered.text
        assert "chấp thuận gia hạn thời hạn nộp báo cáo của Quý đơn vị đến Thứ Tư, ngày 28/12/2016:" in rendered.text
        assert "   Hạn nộp báo cáo sau gia hạn: Thứ Tư, 28/12/2016\n" in rendered.text
        assert "Thứ Tư, ngày 28/12/2016" in rendered.html
        assert "Thư nhắc hạn sẽ được gửi theo thời hạn mới." in rendered.text
    else:
        assert "Extension granted for the report for 2016, now due 28 December 2016: " in rendered.subject
        assert "extends the deadline of your report to Wednesday, 28 December 2016:" in rendered.text
        assert "   Report due, as extended: Wednesday, 28 December 2016\n" in rendered.text
    assert "21/12/2016" not in rendered.text


def test_a_refused_extension_keeps_the_deadline_and_gives_the_reason(language: str) -> None:
    context = make_context(
        MessageKind.EXTENSION, extension=EXTENSION_REFUSED, tasks=(RESEARCH,), comment=REFUSAL_COMMENT
    )
    rendered = render(context, language)

    for body in (rendered.text, html.unescape(rendered.html)):
        assert REFUSAL_COMMENT in body
        assert "28/12/2016" not in body
    if language == "vi":
        assert "Không chấp thuận gia hạn nộp báo cáo năm 2016, giữ nguyên hạn nộp 21/12/2016: " in rendered.subject
        assert "không chấp thuận đề nghị gia hạn; thời hạn nộp báo cáo giữ nguyên là Thứ Tư, ngày 21/12/2016:" in (
            rendered.text
        )
        assert "Lý do không chấp thuận:\n" in rendered.text
        assert "gửi báo cáo đúng hạn." in rendered.text
    else:
        assert "Extension not granted for the report for 2016, still due 21 December 2016: " in rendered.subject
        assert "the deadline of the report remains Wednesday, 21 December 2016:" in rendered.text
        assert "Reason for the refusal:\n" in rendered.text


def test_an_extension_refused_after_the_deadline_says_how_late_it_is() -> None:
    context = make_context(
        MessageKind.EXTENSION, extension=EXTENSION_REFUSED, tasks=(RESEARCH,), comment="", today=date(2016, 12, 23)
    )
    rendered = render(context)

    assert "Thời hạn nộp báo cáo đã quá 2 ngày làm việc" in rendered.text
    assert "Lý do" not in rendered.text


def test_an_extension_answer_without_a_link_points_to_the_link_already_sent() -> None:
    rendered = render(make_context(MessageKind.EXTENSION, tasks=(TECHNOLOGY,)))

    assert "Báo cáo trực tuyến:" not in rendered.text
    assert "đường dẫn báo cáo trực tuyến đã nhận trong thư đề nghị báo cáo" in rendered.text


def test_a_forwarded_task_names_who_forwarded_it_and_gives_a_link_of_ones_own(language: str) -> None:
    rendered = render(make_context(MessageKind.FORWARDED), language)

    assert FORWARDER in rendered.subject
    for body in (rendered.text, html.unescape(rendered.html)):
        assert FORWARDER in body
        assert COLLEAGUE in body
        assert FORWARDED_LINK in body
        assert LINK not in body  # the forwarder's own link stays theirs
    if language == "vi":
        assert rendered.subject.endswith(
            f"{FORWARDER} chuyển cho Ông/Bà nhiệm vụ báo cáo năm 2016: {RESEARCH.title}, hạn nộp 21/12/2016"
        )
        assert rendered.text.startswith(f"Kính gửi: Ông/Bà {COLLEAGUE}, Sở Khoa học và Công nghệ tỉnh Hải Dương\n")
        assert (
            f"Ông/Bà {FORWARDER}, Sở Khoa học và Công nghệ tỉnh Hải Dương, đã chuyển cho Ông/Bà nhiệm vụ dưới đây"
            in rendered.text
        )
        assert f"   Báo cáo trực tuyến: {FORWARDED_LINK}\n" in rendered.text
        assert "được cấp riêng cho Ông/Bà" in rendered.text
    else:
        assert f"{FORWARDER} forwarded you a task to report on for 2016: " in rendered.subject
        assert rendered.text.startswith(f"To: Mr/Ms {COLLEAGUE}, Sở Khoa học và Công nghệ tỉnh Hải Dương\n")
        assert f"Mr/Ms {FORWARDER} of Sở Khoa học và Công nghệ tỉnh Hải Dương has forwarded you the task" in (
            rendered.text
        )
        assert "is yours alone" in rendered.text


def test_the_digest_shows_each_cycle_to_the_coordinator() -> None:
    rendered = render(make_context(MessageKind.DIGEST))
    text = rendered.text

    assert rendered.subject.endswith("Tình hình báo cáo đến ngày 23/12/2016: năm 2016 đã nhận 5/9")
    assert text.startswith("Kính gửi: Ông/Bà Lê Văn Cường, Sở Công Thương tỉnh Hải Dương\n")
    assert "KỲ BÁO CÁO NĂM 2016\n" in text
    assert "Đã nhận báo cáo: 5/9 (55,6%)\n" in text
    assert "Chưa nộp, đã quá hạn (2):\n- Sở Tài chính tỉnh Hải Dương: Thẩm định kinh phí" in text
    assert "Ủy ban nhân dân huyện Bình Giang: Triển khai kế hoạch trên địa bàn và báo cáo hằng năm (quá hạn 2" in text
    assert "Nộp muộn (1):\n- Ban Quản lý các khu công nghiệp tỉnh Hải Dương" in text
    assert "(muộn 1 ngày làm việc)" in text
    assert "Sắp đến hạn (1):\n- Sở Công Thương tỉnh Hải Dương: Báo cáo tổng hợp" in text
    assert "hạn nộp Thứ Tư, 28/12/2016" in text
    assert "<table" in rendered.html
    assert "55,6%" in rendered.html
    assert "Reports received: 5/9 (55.6%)" in render(make_context(MessageKind.DIGEST), "en").text


def test_an_empty_digest_section_says_so() -> None:
    cycle = dataclasses.replace(make_context(MessageKind.DIGEST).cycles[0], overdue=(), reported_late=(), due_next=())
    rendered = render(make_context(MessageKind.DIGEST, cycles=(cycle,)))

    assert "Chưa nộp, đã quá hạn (0):\n- Không có\n" in rendered.text
    assert "Không có." in rendered.html


def test_six_monthly_cycles_are_named_in_words() -> None:
    half = dataclasses.replace(RESEARCH, cycle_label="2017-H1")
    rendered = render(make_context(MessageKind.REQUEST, tasks=(half,)))

    assert "Đề nghị báo cáo 6 tháng đầu năm 2017:" in rendered.subject


@pytest.mark.parametrize("kind", [MessageKind.KICKOFF, MessageKind.REQUEST], ids=str)
def test_messages_that_announce_deadlines_carry_the_calendar(kind: MessageKind, language: str) -> None:
    rendered = render(make_context(kind), language)

    assert rendered.calendar is not None
    assert "BEGIN:VCALENDAR" in rendered.calendar
    assert "deadline.ics" in rendered.text


@pytest.mark.parametrize(
    "kind", [k for k in MessageKind if k not in {MessageKind.KICKOFF, MessageKind.REQUEST}], ids=str
)
def test_other_messages_carry_no_calendar(kind: MessageKind) -> None:
    rendered = render(make_context(kind))

    assert rendered.calendar is None
    assert "deadline.ics" not in rendered.text


def test_rendering_is_repeatable(kind: MessageKind, language: str) -> None:
    assert render(make_context(kind), language) == render(make_context(kind), language)


def test_vietnamese_output_is_precomposed_unicode(kind: MessageKind) -> None:
    rendered = render(make_context(kind))

    for part in (rendered.subject, rendered.text, rendered.html):
        assert unicodedata.is_normalized("NFC", part)


def test_html_is_a_single_readable_column_without_outside_resources(kind: MessageKind, language: str) -> None:
    page = render(make_context(kind), language).html

    assert f'<html lang="{language}">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "max-width:640px" in page
    assert "<table" in page
    for forbidden in ("<script", "<style", "<link", "<img", "<iframe", " src=", "url(", "javascript:"):
        assert forbidden not in page.lower()
    # Every link goes to the reply portal or writes to the coordinator; nothing is loaded.
    assert set(re.findall(r'href="([a-z]+):', page)) <= {"https", "mailto"}


def test_html_escapes_what_the_text_shows_as_is() -> None:
    context = make_context(MessageKind.REQUEST, agency_name="Công ty <Xanh> & Sạch")
    rendered = render(context)

    assert "Kính gửi: Công ty <Xanh> & Sạch\n" in rendered.text
    assert "Công ty &lt;Xanh&gt; &amp; Sạch" in rendered.html
    assert "<Xanh>" not in rendered.html


def test_a_missing_field_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        render(make_context(MessageKind.RECEIPT, receipt=None))


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="vi, en"):
        render(make_context(MessageKind.REQUEST), "fr")
