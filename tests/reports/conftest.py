"""A consolidated report made by hand: Hải Dương's 2017 results, as Sở Công Thương would send them.

Built without the database, so the renderers are tested on their own. The figures follow the seeds:
the plan's eight indicators (seed 001: 90% informed, 50% applying, 8–13% saved, 100% of officers
trained; seed 004: 15 quick and 7 detailed assessments over the plan), and the funding of seed 003
(123.000.000 central + 900.600.000 local = 1.023.600.000 đồng).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sxsh_flow.reports.model import (
    AgencyFigure,
    AgencyText,
    Attainment,
    ConsolidatedReport,
    CycleTimeliness,
    DocumentHeader,
    EnterpriseRow,
    Figure,
    FundingRow,
    IndicatorResult,
    LateUnit,
    WorkVolumeRow,
    percentage,
)

ISSUED_ON = date(2018, 1, 5)  # a day below 10 and a month below 3: both get their leading zero
DISTRICT_TASK = "Triển khai Kế hoạch SXSH trên địa bàn và báo cáo kết quả hằng năm"


def _ratio(numerator: int, denominator: int) -> Figure:
    return Figure(value=percentage(numerator, denominator), numerator=numerator, denominator=denominator)


def _count(value: int) -> Figure:
    return Figure(value=Decimal(value))


INDICATORS = (
    IndicatorResult(
        code="informed",
        name="Cơ sở sản xuất công nghiệp có tiềm năng được tuyên truyền, phổ biến và nhận thức được lợi ích của SXSH",
        unit="%",
        aggregation="ratio",
        target_min=90,
        target_max=None,
        target_scope="annual",
        province=_ratio(1_134, 1_450),
        attainment=Attainment.BELOW,
        by_agency=(
            AgencyFigure("SCT", "Sở Công Thương", _ratio(812, 1_000)),
            AgencyFigure("BQLKCN", "Ban Quản lý các khu công nghiệp", _ratio(322, 450)),
        ),
    ),
    IndicatorResult(
        code="applying",
        name="Cơ sở sản xuất công nghiệp có tiềm năng tiến hành áp dụng SXSH",
        unit="%",
        aggregation="ratio",
        target_min=50,
        target_max=None,
        target_scope="annual",
        province=_ratio(312, 1_450),
        attainment=Attainment.BELOW,
    ),
    IndicatorResult(
        code="saving",
        name="Mức tiết kiệm tiêu thụ năng lượng, nguyên liệu, nhiên liệu trên đơn vị sản phẩm ở cơ sở áp dụng SXSH",
        unit="%",
        aggregation="ratio",
        target_min=8,
        target_max=13,
        target_scope="annual",
        province=_ratio(4_700, 50_000),  # 9,4%: inside 8–13%
        attainment=Attainment.MET,
    ),
    IndicatorResult(
        code="officers_trained",
        name="Cán bộ chuyên trách về SXSH ở các cấp, các ngành được đào tạo",
        unit="%",
        aggregation="ratio",
        target_min=100,
        target_max=None,
        target_scope="annual",
        province=_ratio(46, 46),
        attainment=Attainment.MET,
    ),
    IndicatorResult(
        code="quick_assessments",
        name="Doanh nghiệp được đánh giá nhanh về SXSH",
        unit="doanh nghiệp",
        aggregation="sum",
        target_min=15,
        target_max=None,
        target_scope="plan",
        province=_count(9),
        attainment=Attainment.IN_PROGRESS,
    ),
    IndicatorResult(
        code="detailed_assessments",
        name="Doanh nghiệp được đánh giá chi tiết và triển khai áp dụng SXSH",
        unit="doanh nghiệp",
        aggregation="sum",
        target_min=7,
        target_max=None,
        target_scope="plan",
        province=_count(3),
        attainment=Attainment.IN_PROGRESS,
    ),
    IndicatorResult(
        code="training_events",
        name="Lớp tập huấn, hội thảo, tọa đàm về SXSH",
        unit="lớp",
        aggregation="sum",
        target_min=None,
        target_max=None,
        target_scope=None,
        province=_count(12),
        attainment=Attainment.NO_TARGET,
    ),
    IndicatorResult(
        code="leaflets",
        name="Tờ rơi, tài liệu hướng dẫn SXSH được phát hành",
        unit="tờ",
        aggregation="sum",
        target_min=None,
        target_max=None,
        target_scope=None,
        province=_count(2_800),
        attainment=Attainment.NO_TARGET,
    ),
)

WORK_VOLUME = (
    WorkVolumeRow(
        "Phóng sự tuyên truyền về SXSH trên Đài Phát thanh và Truyền hình tỉnh", "Phóng sự", Decimal(2), (2017,)
    ),
    WorkVolumeRow("Bài viết tuyên truyền về các hoạt động SXSH trên Báo Hải Dương", "Bài", Decimal(12), (2016, 2017)),
    WorkVolumeRow("Tờ rơi, tài liệu hướng dẫn SXSH được phát hành", "Tờ", Decimal(2_800), (2017,)),
    WorkVolumeRow("Lớp tập huấn chuyên ngành về SXSH cho cán bộ quản lý và doanh nghiệp", "Lớp", Decimal(12), (2017,)),
    WorkVolumeRow("Đánh giá nhanh SXSH cho doanh nghiệp sản xuất công nghiệp", "Doanh nghiệp", Decimal(9), (2017,)),
    WorkVolumeRow("Đánh giá chi tiết SXSH cho doanh nghiệp sản xuất công nghiệp", "Doanh nghiệp", Decimal(3), (2017,)),
    WorkVolumeRow("Đề tài nghiên cứu, áp dụng giải pháp SXSH cho ngành gốm sứ", "Đề tài", Decimal(1), (2016, 2017)),
)

SOURCES_ZERO = {"industrial_extension": 0, "international": 0, "enterprise_counterpart": 0}
FUNDING_BY_AGENCY = (
    FundingRow("Sở Công Thương", {"central_budget": 123_000_000, "local_budget": 650_000_000, **SOURCES_ZERO}),
    FundingRow("Sở Khoa học và Công nghệ", {"central_budget": 0, "local_budget": 180_600_000, **SOURCES_ZERO}),
    FundingRow("Ban Quản lý các khu công nghiệp", {"central_budget": 0, "local_budget": 70_000_000, **SOURCES_ZERO}),
)
FUNDING_TOTAL = FundingRow("Tổng cộng", {"central_budget": 123_000_000, "local_budget": 900_600_000, **SOURCES_ZERO})

TEXTS = {
    "results": (
        AgencyText(
            "SCT",
            "Sở Công Thương",
            "Tập huấn, hội thảo, tọa đàm, tuyên truyền phổ biến quy định, chính sách về SXSH",
            "Tổ chức 04 lớp tập huấn cho 260 lượt cán bộ quản lý và doanh nghiệp; phát hành 2.800 tờ rơi.",
        ),
        AgencyText(
            "BQLKCN",
            "Ban Quản lý các khu công nghiệp",
            "Tuyên truyền, phổ biến kế hoạch SXSH đến doanh nghiệp trong khu công nghiệp",
            "Phổ biến Kế hoạch đến 322 doanh nghiệp trong các khu công nghiệp.",
        ),
    ),
    "difficulties": (
        AgencyText(
            "SCT",
            "Sở Công Thương",
            DISTRICT_TASK,
            "Doanh nghiệp sản xuất hầu hết chưa có cán bộ chuyên trách, nên việc quản lý số liệu về sử dụng "
            "năng lượng và SXSH chưa chặt chẽ.",
        ),
        AgencyText(
            "UBND-TUKY",
            "UBND huyện Tứ Kỳ",
            DISTRICT_TASK,
            "Kinh phí bố trí cho hoạt động SXSH ở cấp huyện còn hạn chế.",
        ),
    ),
    "recommendations": (
        AgencyText(
            "SCT",
            "Sở Công Thương",
            DISTRICT_TASK,
            "Đề nghị Bộ Công Thương tăng cường tập huấn, cập nhật kiến thức mới về SXSH cho cán bộ địa phương.",
        ),
    ),
    "next_tasks": (
        AgencyText(
            "SCT",
            "Sở Công Thương",
            DISTRICT_TASK,
            "Tiếp tục hỗ trợ đánh giá nhanh, đánh giá chi tiết SXSH cho doanh nghiệp trên địa bàn tỉnh.",
        ),
    ),
}

LATE_UNITS = (
    # Days late in working days, as the plan's reminder rules (and its emails) count them.
    LateUnit("2017", "UBND-TUKY", "UBND huyện Tứ Kỳ", DISTRICT_TASK, date(2017, 12, 21), date(2017, 12, 27), 4),
    LateUnit(
        "2017",
        "STNMT",
        "Sở Tài nguyên và Môi trường",
        "Lồng ghép nhiệm vụ SXSH vào kế hoạch, chương trình bảo vệ môi trường của tỉnh",
        date(2017, 12, 21),
        date(2017, 12, 25),
        2,
    ),
    LateUnit("2017", "UBND-THANHMIEN", "UBND huyện Thanh Miện", DISTRICT_TASK, date(2017, 12, 21), None),
)

ENTERPRISES = (
    EnterpriseRow("Công ty TNHH Gốm sứ Chu Đậu Xanh", "Sản xuất gốm sứ", "Đánh giá nhanh SXSH", 2017, "Sở Công Thương"),
    EnterpriseRow("Công ty Cổ phần Thép Phúc Hưng", "Luyện cán thép", "Đánh giá chi tiết SXSH", 2017, "Sở Công Thương"),
    EnterpriseRow("Công ty TNHH May mặc Tứ Kỳ", "Dệt may", "Tham gia tập huấn", 2017, "UBND huyện Tứ Kỳ"),
    EnterpriseRow(
        "Công ty CP Chế biến nông sản Thanh Hà",
        "Chế biến nông sản",
        "Áp dụng giải pháp SXSH",
        2017,
        "Sở Khoa học và Công nghệ",
    ),
    EnterpriseRow(
        "Công ty TNHH Gạch ngói Cẩm Giàng",
        "Vật liệu xây dựng",
        "Đánh giá nhanh SXSH",
        2016,
        "Ban Quản lý các khu công nghiệp",
    ),
)

TIMELINESS = (
    CycleTimeliness("2016", expected=18, on_time=14, late=3, missing=1),
    CycleTimeliness("2017", expected=18, on_time=15, late=2, missing=1),
)

HEADER = DocumentHeader(
    superior_body="UBND TỈNH HẢI DƯƠNG",
    issuing_body="SỞ CÔNG THƯƠNG",
    number_symbol="Số: /BC-SCT",
    place="Hải Dương",
    issued_on=ISSUED_ON,
    title="BÁO CÁO",
    subtitle="Kết quả thực hiện Kế hoạch sản xuất sạch hơn trong công nghiệp năm 2017",
    recipients=(
        "UBND tỉnh (để báo cáo)",
        "Bộ Công Thương (Vụ Khoa học và Công nghệ)",
        "Các sở: KH&CN, TC, TN&MT, KH&ĐT",
        "Ban Quản lý các khu công nghiệp tỉnh",
        "UBND các huyện, thị xã, thành phố",
        "Lưu: VT, QLCN",
    ),
    signer_title="GIÁM ĐỐC",
    signer_name="Nguyễn Văn Bình",
)


def make_report() -> ConsolidatedReport:
    return ConsolidatedReport(
        run_id=1,
        plan_key="plan-2016-2020",
        plan_title="Kế hoạch thực hiện Chiến lược sản xuất sạch hơn trong công nghiệp trên địa bàn tỉnh Hải Dương "
        "giai đoạn 2016 - 2020",
        legal_basis=(
            "Quyết định số 1419/QĐ-TTg ngày 07/09/2009 của Thủ tướng Chính phủ phê duyệt Chiến lược sản xuất sạch "
            "hơn trong công nghiệp đến năm 2020",
        ),
        scope="cycle",
        cycle_labels=("2017",),
        years=(2017,),
        period_start=date(2016, 12, 15),
        period_end=date(2017, 12, 14),
        header=HEADER,
        indicators=INDICATORS,
        work_volume=WORK_VOLUME,
        funding_by_agency=FUNDING_BY_AGENCY,
        funding_total=FUNDING_TOTAL,
        texts=TEXTS,
        late_units=LATE_UNITS,
        enterprises=ENTERPRISES,
        timeliness=TIMELINESS,
        reports_expected=18,
        reports_received=17,
        period_label="năm 2017",
        lead_name="Sở Công Thương",
    )


@pytest.fixture(scope="session")
def report() -> ConsolidatedReport:
    """Frozen, so one for the whole session; a test that needs another builds it with ``dataclasses.replace``."""
    return make_report()
