"""A factory of realistic message contexts: Hải Dương's 2016–2020 plan, the 2016 annual cycle.

The 2016 cut-off period is 15/12/2015–14/12/2016 and the deadline five working days later,
Wednesday 21/12/2016. Each kind gets the day it would really be sent on. The answers of the reply
portal: version 1 sent back on Friday 16/12 with a comment; a request for more time until 30/12
granted until Wednesday 28/12 (or refused); the task forwarded to a colleague the day after the
request went out.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from sxsh_flow.engine.message import (
    Address,
    AgencyProgress,
    CycleDigest,
    ExtensionInfo,
    HandedOver,
    LegalReference,
    MessageContext,
    MessageKind,
    PlanInfo,
    ReceiptInfo,
    TaskItem,
)
from sxsh_flow.engine.time_policy import NATIONAL, TimePolicy

DUE = date(2016, 12, 21)  # Thứ Tư

PLAN = PlanInfo(
    key="plan-2016-2020",
    title=(
        "Kế hoạch thực hiện Chiến lược sản xuất sạch hơn trong công nghiệp trên địa bàn tỉnh Hải Dương "
        "giai đoạn 2016 - 2020"
    ),
    short_title="Kế hoạch SXSH trong công nghiệp 2016–2020",
    province_name="Hải Dương",
    lead_name="Sở Công Thương tỉnh Hải Dương",
    legal_basis=(
        LegalReference(
            number="1419/QĐ-TTg",
            date=date(2009, 9, 7),
            issuer="Thủ tướng Chính phủ",
            title="Phê duyệt Chiến lược sản xuất sạch hơn trong công nghiệp đến năm 2020",
        ),
        # Issued after 2016: a 2016 letter must not cite it.
        LegalReference(
            number="09/2019/NĐ-CP",
            date=date(2019, 1, 24),
            issuer="Chính phủ",
            title="Quy định về chế độ báo cáo của cơ quan hành chính nhà nước",
        ),
    ),
)

RESEARCH = TaskItem(
    task_run_id=101,
    task_key="skhcn-research",
    title="Nghiên cứu các giải pháp SXSH trên từng lĩnh vực và triển khai ứng dụng",
    description=(
        "Phối hợp các doanh nghiệp nghiên cứu các giải pháp SXSH trên từng lĩnh vực và triển khai ứng dụng "
        "trên địa bàn tỉnh."
    ),
    cycle_label="2016",
    cutoff_start=date(2015, 12, 15),
    cutoff_end=date(2016, 12, 14),
    due_on=DUE,
    reply_url="https://sxsh.haiduong.example/bao-cao/101?token=abc&lang=vi",
)

TECHNOLOGY = TaskItem(
    task_run_id=102,
    task_key="skhcn-technology-renewal",
    title="Hỗ trợ kinh phí nghiên cứu ứng dụng và đổi mới công nghệ theo hướng SXSH",
    description="",
    cycle_label="2016",
    cutoff_start=date(2015, 12, 15),
    cutoff_end=date(2016, 12, 14),
    due_on=DUE,
    reply_url=None,
)

COORDINATOR = Address(name="Lê Văn Cường", email="sxsh@sct.haiduong.example")

RETURN_COMMENT = (
    "Đề nghị bổ sung số doanh nghiệp được hỗ trợ áp dụng SXSH và kinh phí đã giải ngân năm 2016.\n"
    "Biểu số liệu kèm theo chưa có chữ ký của Lãnh đạo đơn vị."
)

EXTENDED_DUE = date(2016, 12, 28)  # Thứ Tư, a week after the deadline; the agency asked for 30/12
EXTENSION_GRANTED = ExtensionInfo(approved=True, requested_until=date(2016, 12, 30), granted_until=EXTENDED_DUE)
EXTENSION_REFUSED = ExtensionInfo(approved=False, requested_until=date(2016, 12, 30), granted_until=None)
EXTENSION_COMMENT = "Đây là lần gia hạn duy nhất, để kịp tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 31/12/2016."
REFUSAL_COMMENT = "Số liệu năm 2016 đã được các doanh nghiệp gửi đầy đủ; thời hạn hiện tại đủ để tổng hợp."

FORWARDER = "Đặng Văn Hải"  # the focal point of Sở Khoa học và Công nghệ
COLLEAGUE = "Nguyễn Thị Lan"  # who gets the forwarded task, with a link of her own
FORWARDED_LINK = "https://sxsh.haiduong.example/bao-cao/101?token=lan-xyz&lang=vi"
DESK = "https://sxsh.haiduong.example"  # the portal, where the coordinator's desk is

DIGEST_CYCLE = CycleDigest(
    label="2016",
    cutoff_start=date(2015, 12, 15),
    cutoff_end=date(2016, 12, 14),
    due_on=DUE,
    total=9,
    reported=5,
    reported_late=(
        AgencyProgress(
            "BQLKCN",
            "Ban Quản lý các khu công nghiệp tỉnh Hải Dương",
            "Phổ biến Kế hoạch tới doanh nghiệp trong các khu công nghiệp",
            DUE,
            "đã nộp, chờ duyệt",
            1,
        ),
    ),
    overdue=(
        AgencyProgress(
            "STC",
            "Sở Tài chính tỉnh Hải Dương",
            "Thẩm định kinh phí thực hiện các hoạt động của Kế hoạch",
            DUE,
            "chờ báo cáo",
            2,
        ),
        AgencyProgress(
            "UBND-BINHGIANG",
            "Ủy ban nhân dân huyện Bình Giang",
            "Triển khai kế hoạch trên địa bàn và báo cáo hằng năm",
            DUE,
            "trả lại để sửa",
            2,
        ),
    ),
    due_next=(
        AgencyProgress(
            "SCT",
            "Sở Công Thương tỉnh Hải Dương",
            "Báo cáo tổng hợp kết quả thực hiện Kế hoạch SXSH hằng năm",
            date(2016, 12, 28),
            "chờ báo cáo",
        ),
    ),
)

# Sở Thông tin và Truyền thông merged into Sở Khoa học và Công nghệ (as it did on 01/03/2025), here
# on 01/12/2016 inside the 2016 cycle: the research task is new to Sở KH&CN, the technology task it
# already had now also carries what Sở TT&TT still owed.
HANDED_OVER_SINCE = date(2016, 12, 1)
PREDECESSOR = "Sở Thông tin và Truyền thông tỉnh Hải Dương"
SUCCESSOR = "Sở Khoa học và Công nghệ tỉnh Hải Dương"
HANDOVERS = (
    HandedOver(101, RESEARCH.title, "2016", PREDECESSOR, SUCCESSOR, HANDED_OVER_SINCE, merged=False),
    HandedOver(102, TECHNOLOGY.title, "2016", PREDECESSOR, SUCCESSOR, HANDED_OVER_SINCE, merged=True),
)
# Tứ Kỳ's duty to a commune with no contact yet: no letter could go.
DISTRICT_HANDOVER = HandedOver(
    205,
    "Triển khai kế hoạch trên địa bàn và báo cáo hằng năm",
    "2016",
    "Ủy ban nhân dân huyện Tứ Kỳ",
    "Ủy ban nhân dân xã Tân Kỳ",
    HANDED_OVER_SINCE,
    merged=False,
    lettered=False,
)

# The day each kind goes out, and what it carries beyond the common fields.
_KIND_DEFAULTS: dict[MessageKind, dict[str, Any]] = {
    MessageKind.KICKOFF: {"today": date(2016, 9, 1), "tasks": (RESEARCH, TECHNOLOGY)},
    MessageKind.REQUEST: {"today": date(2016, 11, 21), "tasks": (RESEARCH,)},
    MessageKind.REMINDER: {"today": date(2016, 12, 16), "tasks": (RESEARCH,)},
    MessageKind.DUE_TODAY: {"today": DUE, "tasks": (RESEARCH,)},
    MessageKind.OVERDUE: {"today": date(2016, 12, 23), "tasks": (RESEARCH,)},
    MessageKind.ESCALATION: {
        "today": date(2016, 12, 28),
        "greeting_name": "Bùi Thị Hạnh",
        "tasks": (RESEARCH, TECHNOLOGY),
    },
    MessageKind.RECEIPT: {
        "today": date(2016, 12, 20),
        "tasks": (RESEARCH,),
        "receipt": ReceiptInfo(version=2, received_on=date(2016, 12, 20), on_time=True),
    },
    MessageKind.RETURNED: {
        "today": date(2016, 12, 16),
        "tasks": (RESEARCH,),
        "comment": RETURN_COMMENT,
        "receipt": ReceiptInfo(version=1, received_on=date(2016, 12, 14), on_time=True),
    },
    MessageKind.EXTENSION: {
        "today": date(2016, 12, 19),
        # Once granted, the task's deadline is the new one.
        "tasks": (dataclasses.replace(RESEARCH, due_on=EXTENDED_DUE),),
        "extension": EXTENSION_GRANTED,
        "comment": EXTENSION_COMMENT,
    },
    MessageKind.FORWARDED: {
        "today": date(2016, 11, 22),
        "greeting_name": COLLEAGUE,
        "tasks": (dataclasses.replace(RESEARCH, reply_url=FORWARDED_LINK),),
        "forwarded_by": FORWARDER,
    },
    MessageKind.FORWARD_APPROVAL: {
        "today": date(2016, 11, 22),
        "tasks": (RESEARCH,),
        "forwarded_by": FORWARDER,
        "extra": {"number": "7", "guest_name": "Người ngoài", "guest_email": "someone@mail.example.org"},
    },
    MessageKind.EXTENSION_REQUEST: {
        "today": date(2016, 12, 19),
        "tasks": (RESEARCH,),
        "comment": "Số liệu của các doanh nghiệp trong khu công nghiệp chưa được gửi đủ.",
        "extension": ExtensionInfo(approved=False, requested_until=date(2016, 12, 30), granted_until=None),
        "extra": {"number": "3", "requested_by": FORWARDER, "desk_url": DESK + "/desk/runs/1/extensions"},
    },
    MessageKind.DIGEST: {
        "today": date(2016, 12, 23),
        "agency_code": "SCT",
        "agency_name": "Sở Công Thương tỉnh Hải Dương",
        "greeting_name": "Lê Văn Cường",
        "cycles": (DIGEST_CYCLE,),
    },
    MessageKind.CYCLE_CLOSED: {
        "today": date(2016, 12, 23),
        "agency_code": "SCT",
        "agency_name": "Sở Công Thương tỉnh Hải Dương",
        "greeting_name": "Lê Văn Cường",
        "cycles": (DIGEST_CYCLE,),
        "extra": {"attached": "yes", "report_url": "https://sxsh.haiduong.example/bao-cao/abc"},
    },
    MessageKind.HANDOVER: {
        "today": HANDED_OVER_SINCE,
        "tasks": (RESEARCH, TECHNOLOGY),
        "handovers": HANDOVERS,
    },
    MessageKind.SUCCESSION: {
        "today": HANDED_OVER_SINCE,
        "agency_code": "SCT",
        "agency_name": "Sở Công Thương tỉnh Hải Dương",
        "greeting_name": "Lê Văn Cường",
        "handovers": (*HANDOVERS, DISTRICT_HANDOVER),
        "letters": 1,
    },
    MessageKind.SIGN_IN: {
        "today": date(2016, 12, 5),
        "agency_code": "SCT",
        "agency_name": "Sở Công Thương tỉnh Hải Dương",
        "greeting_name": "Lê Văn Cường",
        "extra": {"sign_in_url": "https://sxsh.example/desk/sign-in/AbC123", "minutes": "20"},
    },
}


def make_context(kind: MessageKind, time: TimePolicy = NATIONAL, **overrides: Any) -> MessageContext:
    """A realistic context of ``kind`` sent to Sở Khoa học và Công nghệ; keyword arguments override.

    The days of its tasks are counted by ``time``, as the engine counts them by the run's policy.
    """
    fields: dict[str, Any] = {
        "kind": kind,
        "plan": PLAN,
        "agency_code": "SKHCN",
        "agency_name": "Sở Khoa học và Công nghệ tỉnh Hải Dương",
        "greeting_name": "Đặng Văn Hải",
        "coordinator": COORDINATOR,
        "day_unit": time.unit,
        **_KIND_DEFAULTS[kind],
        **overrides,
    }
    # The engine counts each task's days by the run's time policy (working days, as the plan's).
    fields["tasks"] = tuple(task.counted_on(fields["today"], time) for task in fields.get("tasks", ()))
    return MessageContext(**fields)


@pytest.fixture(params=list(MessageKind), ids=[kind.value for kind in MessageKind])
def kind(request: pytest.FixtureRequest) -> MessageKind:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=["vi", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]
