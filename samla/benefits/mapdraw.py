"""A benefit map drawn on the server as SVG: four columns (challenges → objectives →
changes/enablers → benefits), a box per element and an arrow per link. No script needed;
every box carries a <title> for screen readers and tooltips, a change box names the project
that delivers it, a benefit box links to the benefit and shows its status. The page also
gives a text alternative (see templates/benefits/maps/map_detail.html)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from samla.benefits.models import NODE_COLUMNS, MapLink, MapNode, NodeKind

COLUMN_WIDTH = 240
BOX_WIDTH = 196
MARGIN = 16
HEADER = 44
LINE_HEIGHT = 16
PADDING = 10
GAP = 18
CHARS_PER_LINE = 26
MAX_LINES = 4


@dataclass(frozen=True)
class Box:
    node: MapNode
    x: int
    y: int
    height: int
    lines: tuple[str, ...]
    extra: tuple[str, ...]  # smaller lines: delivering project, benefit status
    href: str | None
    notes: tuple[str, ...] = ()  # the same, unwrapped, for the box's title


def _wrap(text: str, width: int = CHARS_PER_LINE, limit: int = MAX_LINES) -> tuple[str, ...]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > limit:
        lines = [
            *lines[: limit - 1],
            textwrap.shorten(" ".join(lines[limit - 1 :]), width, placeholder=" …"),
        ]
    return tuple(lines)


def layout(
    nodes: Sequence[MapNode],
    *,
    benefit_url: Callable[[MapNode], str | None],
    benefit_status: Mapping[int, str],
) -> tuple[list[Box], int, int]:
    """Boxes placed column by column in the nodes' order; returns boxes, width and height."""
    boxes: list[Box] = []
    column_bottom = dict.fromkeys(NODE_COLUMNS, HEADER)
    for node in nodes:
        column = NODE_COLUMNS.index(node.kind)
        extra: list[str] = []
        if node.kind == NodeKind.CHANGE and node.project is not None:
            extra.append(_("Leveres av: %(project)s") % {"project": node.project.name})
        href = None
        if node.kind == NodeKind.BENEFIT and node.benefit is not None:
            status = benefit_status.get(node.benefit.pk)
            if status:
                extra.append(_("Status: %(status)s") % {"status": status})
            href = benefit_url(node)
        extra_lines: list[str] = []
        for text in extra:
            extra_lines.extend(_wrap(text, CHARS_PER_LINE + 4, 2))
        lines = _wrap(node.title)
        height = PADDING * 2 + LINE_HEIGHT * (len(lines) + len(extra_lines))
        y = column_bottom[node.kind]
        column_bottom[node.kind] = y + height + GAP
        x = MARGIN + column * COLUMN_WIDTH
        boxes.append(Box(node, x, y, height, lines, tuple(extra_lines), href, tuple(extra)))
    width = MARGIN * 2 + COLUMN_WIDTH * (len(NODE_COLUMNS) - 1) + BOX_WIDTH
    height = max(column_bottom.values()) + MARGIN
    return boxes, width, max(height, HEADER + 60)


def _box_svg(box: Box, index: int) -> str:
    node = box.node
    label = f"{node.get_kind_display()}: {node.title}"
    if box.notes:
        label += ". " + ". ".join(box.notes)
    css = f"samla-map__box samla-map__box--{node.kind}"
    parts = [
        f'<g class="{css}" id="map-node-{node.uuid}">',
        f"<title>{escape(label)}</title>",
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{box.height}" rx="6" '
        f'fill="{FILL[node.kind]}" stroke="{STROKE[node.kind]}" stroke-width="1.5"></rect>',
    ]
    y = box.y + PADDING + 12
    for line in box.lines:
        parts.append(
            f'<text x="{box.x + PADDING}" y="{y}" font-size="13" fill="#1a1a1a">{escape(line)}</text>'
        )
        y += LINE_HEIGHT
    for line in box.extra:
        parts.append(
            f'<text x="{box.x + PADDING}" y="{y}" font-size="11" fill="#333333">{escape(line)}</text>'
        )
        y += LINE_HEIGHT
    parts.append("</g>")
    inner = "".join(parts)
    if box.href:  # the link's name is its visible text
        return f'<a href="{escape(box.href)}">{inner}</a>'
    return inner


FILL: dict[str, str] = {
    NodeKind.CHALLENGE: "#fde8e6",
    NodeKind.OBJECTIVE: "#e6f0fb",
    NodeKind.CHANGE: "#fff4d6",
    NodeKind.BENEFIT: "#e3f4e6",
}
STROKE: dict[str, str] = {
    NodeKind.CHALLENGE: "#a4281c",
    NodeKind.OBJECTIVE: "#1e5a8c",
    NodeKind.CHANGE: "#7a5a00",
    NodeKind.BENEFIT: "#1f6b2f",
}


def _arrow(source: Box, target: Box) -> str:
    if target.x > source.x:
        x1, x2 = source.x + BOX_WIDTH, target.x
    elif target.x < source.x:
        x1, x2 = source.x, target.x + BOX_WIDTH
    else:  # same column: along the right edge
        x1 = x2 = source.x + BOX_WIDTH
    y1 = source.y + source.height // 2
    y2 = target.y + target.height // 2
    if x1 == x2:
        bend = x1 + 18
        path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2 + 2},{y2}"
    else:
        middle = (x1 + x2) // 2
        path = f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2 - 2},{y2}"
    label = _("%(source)s fører til %(target)s") % {
        "source": source.node.title,
        "target": target.node.title,
    }
    return (
        f'<path d="{path}" fill="none" stroke="#555555" stroke-width="1.5" '
        f'marker-end="url(#samla-map-arrow)"><title>{escape(label)}</title></path>'
    )


def draw(
    nodes: Sequence[MapNode],
    links: Sequence[MapLink],
    *,
    title: str,
    benefit_url: Callable[[MapNode], str | None],
    benefit_status: Mapping[int, str],
) -> SafeString:
    """The map as an <svg> element, safe to put in a template."""
    boxes, width, height = layout(nodes, benefit_url=benefit_url, benefit_status=benefit_status)
    by_node = {box.node.pk: box for box in boxes}
    parts = [
        f'<svg class="samla-map" xmlns="http://www.w3.org/2000/svg" role="group" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="samla-map-title">',
        f'<title id="samla-map-title">{escape(title)}</title>',
        '<defs><marker id="samla-map-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555555"></path></marker></defs>',
    ]
    for index, kind in enumerate(NODE_COLUMNS):
        x = MARGIN + index * COLUMN_WIDTH
        parts.append(
            f'<text x="{x}" y="24" font-size="14" font-weight="bold" fill="#1a1a1a" '
            f'aria-hidden="true">{escape(str(NodeKind(kind).label))}</text>'
        )
    for link in links:
        source, target = by_node.get(link.source_id), by_node.get(link.target_id)
        if source is not None and target is not None:
            parts.append(_arrow(source, target))
    for index, box in enumerate(boxes):
        parts.append(_box_svg(box, index))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
