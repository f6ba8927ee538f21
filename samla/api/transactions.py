"""One API operation in one transaction.

``@transaction.atomic`` cannot decorate a django-ninja operation in a module with
``from __future__ import annotations``: ninja resolves the string annotations against the
*wrapper's* globals (Django's ``transaction`` module), so ``uuid.UUID`` or the payload's
schema is not found, the operation's parameter model is never complete, the OpenAPI
document cannot be built and a request answers 500. ``atomic`` wraps the same way but
gives the wrapper the operation's own module globals.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

F = TypeVar("F", bound=Callable[..., Any])


def atomic(operation: F) -> F:
    def make() -> Callable[..., Any]:
        block = transaction.atomic
        target = operation

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with block():
                return target(*args, **kwargs)

        return wrapper

    inner = make()
    rebuilt = types.FunctionType(
        inner.__code__,
        operation.__globals__,  # type: ignore[attr-defined]
        inner.__name__,
        inner.__defaults__,
        inner.__closure__,
    )
    return functools.wraps(operation)(rebuilt)  # type: ignore[return-value]
