"""A project's own thread pool class, as the project model describes it.

``ThreadPool(5)`` of an application (``pdfx.threadpool``: a queue, five worker threads
that take ``(func, args, kwargs)`` from it and call ``func``) runs what its methods hand
over on those threads, as ``concurrent.futures.ThreadPoolExecutor`` does.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from concurrency_lint.sources.lazy_pattern import LazyPattern


class ThreadPoolShape(NamedTuple):
    """What makes a class a thread pool: the constructor parameter that sets the worker
    count (by keyword, and position after ``self``), the class of each worker thread, the
    methods that queue one call of their first argument (``add_task(func, *args)``) and
    those that queue one call per item (``map(func, items)``)."""

    workers: str
    position: int
    worker: str  # qualified
    single: tuple[str, ...]
    batch: tuple[str, ...]


_FROM_IMPORT_OF_POOL = LazyPattern(r"^[ \t]*from[ \t]+[\w.]+[ \t]+import\b[^\n]*Pool", re.MULTILINE)
_DOTTED_POOL = LazyPattern(r"\b\w+\.\w*Pool\(")


@functools.lru_cache(maxsize=4)
def may_use_project_pool(text: str) -> bool:
    """Whether the text may make a pool of a class imported from elsewhere
    (``from .threadpool import ThreadPool``, ``threadpool.ThreadPool(5)``): the rules
    that recognise pools by their imports look at such a file too. Three rules ask it of
    the same text; the words each pattern needs are looked for first."""
    if "Pool" not in text:
        return False
    if "from" in text and "import" in text and _FROM_IMPORT_OF_POOL.search(text):
        return True
    return "Pool(" in text and _DOTTED_POOL.search(text) is not None
