"""Read the fields of an HTML form the way a browser would submit it (standard library only,
so the Locust virtualenv needs nothing of Samla's)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.seen = -1
        self.inside = False
        self.action: str | None = None
        self.values: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attributes}
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.index
            if self.inside:
                self.action = a.get("action") or None
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind == "checkbox":
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "reset"):
                self.values.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_values, self._select_chosen = name, [], False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select_values.append(value)
            if "selected" in a:
                self.values.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_values:
                self.values.append((self._select, self._select_values[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, self._text.strip("\n")))
            self._textarea = None


def read_form(html: str, index: int = 0) -> tuple[list[tuple[str, str]], dict[str, list[str]], str | None]:
    """(values as submitted, radio groups with their choices, the form's action) of the
    ``index``-th form of the page."""
    reader = _FormReader(index)
    reader.feed(html)
    return reader.values, reader.radios, reader.action


def form_index(html: str, marker: str) -> int:
    """The index of the first form whose opening tag contains ``marker`` (e.g. 'method="post"')."""
    position = 0
    count = 0
    while True:
        start = html.find("<form", position)
        if start < 0:
            return 0
        end = html.find(">", start)
        if marker in html[start:end]:
            return count
        count += 1
        position = end
