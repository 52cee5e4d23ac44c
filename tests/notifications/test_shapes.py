"""Rendering once per shape gives, for every message, the very text of rendering that message alone."""

from __future__ import annotations

import dataclasses

import pytest

from sxsh_flow.engine.message import MessageContext, MessageKind
from sxsh_flow.notifications.render import _SHAPES as RENDERED_SHAPES
from sxsh_flow.notifications.render import render, render_each
from sxsh_flow.notifications.shapes import SHAPED_KINDS, shape_of

from .conftest import make_context

# Names and links that escaping, tidying and the subject's flattening would each treat apart.
RECIPIENTS = [
    ("XA-00001", "Ủy ban nhân dân xã Tân Hồng", "Nguyễn Thị Thu Hương", "https://sxsh.example/r/abc.def-_1"),
    ("XA-00002", 'UBND xã "Đông & Tây" <cũ>', "O'Brien & Lê", "https://sxsh.example/r/x?a=1&b=<2>"),
    ("XA-00003", "Phường 3", "", "https://sxsh.example/r/3"),
    ("XA-00004", "Xã  có hai dấu cách", "Tên có khoảng trắng cuối ", "https://sxsh.example/r/4"),
    ("XA-00005", "Xã xuống\ndòng", "Anh\tTab", "https://sxsh.example/r/5 "),
    ("XA-00006", "Xã \ue000 dấu riêng", "Bà Ba", "https://sxsh.example/r/6"),
]


def _addressed(context: MessageContext, code: str, name: str, greeting: str, url: str) -> MessageContext:
    tasks = tuple(
        dataclasses.replace(task, task_run_id=task.task_run_id + 1000, reply_url=f"{url}/{index}")
        if task.reply_url is not None
        else task
        for index, task in enumerate(context.tasks)
    )
    return dataclasses.replace(context, agency_code=code, agency_name=name, greeting_name=greeting, tasks=tasks)


@pytest.mark.parametrize("kind", sorted(SHAPED_KINDS), ids=lambda kind: kind.value)
@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda recipient: recipient[0])
def test_a_message_rendered_through_its_shape_equals_the_message_rendered_alone(
    kind: MessageKind, recipient: tuple[str, str, str, str], language: str
) -> None:
    context = _addressed(make_context(kind), *recipient)

    assert render(context, language) == render_each(context, language)


@pytest.mark.parametrize("kind", sorted(SHAPED_KINDS), ids=lambda kind: kind.value)
def test_messages_that_differ_only_in_whom_they_are_for_share_one_rendered_shape(kind: MessageKind) -> None:
    RENDERED_SHAPES.clear()
    third = ("XA-00007", "Thị trấn Kẻ Sặt", "Phạm Văn Bảy", "https://sxsh.example/r/7")
    contexts = [_addressed(make_context(kind), *recipient) for recipient in (*RECIPIENTS[:2], third)]

    rendered = [render(context, "vi") for context in contexts]

    assert len(RENDERED_SHAPES) == 1
    assert rendered == [render_each(context, "vi") for context in contexts]
    assert len({message.text for message in rendered}) == 3


def test_values_tidying_would_change_and_kinds_sent_one_at_a_time_are_rendered_whole() -> None:
    reminder = make_context(MessageKind.REMINDER)

    assert shape_of(_addressed(reminder, *RECIPIENTS[3])) is None  # two spaces, a trailing blank
    assert shape_of(_addressed(reminder, *RECIPIENTS[4])) is None  # a line break, a tab
    assert shape_of(_addressed(reminder, *RECIPIENTS[5])) is None  # the marks' own characters
    assert shape_of(make_context(MessageKind.RECEIPT)) is None
    assert shape_of(make_context(MessageKind.DIGEST)) is None


def test_a_shape_keeps_empty_names_and_missing_links_as_they_are() -> None:
    # The templates test them (the greeting line, the note on reports by email): they make the shape.
    context = _addressed(make_context(MessageKind.REMINDER), *RECIPIENTS[2])
    shaped = shape_of(context)

    assert shaped is not None
    shape = shaped.context()
    assert shape.greeting_name == ""
    assert [task.reply_url is None for task in shape.tasks] == [task.reply_url is None for task in context.tasks]
    assert {context.agency_code, context.agency_name} <= set(shaped.values)
