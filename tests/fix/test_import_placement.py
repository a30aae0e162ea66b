"""Added imports land in the module's import section, in isort's order."""

from __future__ import annotations

import pytest

from concurrency_lint.fixes.apply.imports import with_imports

NEEDED = [("asyncio", "to_thread"), ("concurrency_lint.parallel", "run_parallel")]

LAYOUTS = {
    "no imports": (
        "x = 1\n",
        "from asyncio import to_thread\n\nfrom concurrency_lint.parallel import run_parallel\n\n"
        "x = 1\n",
    ),
    "shebang, encoding line and docstring": (
        '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\n\nx = 1\n',
        '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\n\n'
        "from asyncio import to_thread\n\nfrom concurrency_lint.parallel import run_parallel\n\n"
        "x = 1\n",
    ),
    "__future__": (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nx = 1\n',
        '"""Doc."""\n\nfrom __future__ import annotations\n\n'
        "from asyncio import to_thread\n\nfrom concurrency_lint.parallel import run_parallel\n\n"
        "x = 1\n",
    ),
    "only stdlib": (
        "import os\nimport sys\nfrom pathlib import Path\n\nx = 1\n",
        "import os\nimport sys\nfrom asyncio import to_thread\nfrom pathlib import Path\n\n"
        "from concurrency_lint.parallel import run_parallel\n\nx = 1\n",
    ),
    "stdlib, third-party and first-party blocks": (
        "import os\nfrom zipfile import ZipFile\n\nimport requests\nfrom yaml import load\n\n"
        "from myapp import thing\nfrom . import local\n\nx = 1\n",
        "import os\nfrom asyncio import to_thread\nfrom zipfile import ZipFile\n\n"
        "import requests\nfrom concurrency_lint.parallel import run_parallel\nfrom yaml import load\n"
        "\nfrom myapp import thing\nfrom . import local\n\nx = 1\n",
    ),
    "comments above the imports": (
        "# Licence text.\n\n# the HTTP client\nimport requests\n\nx = 1\n",
        "# Licence text.\n\nfrom asyncio import to_thread\n\n# the HTTP client\nimport requests\n"
        "from concurrency_lint.parallel import run_parallel\n\nx = 1\n",
    ),
    "existing from-imports are extended": (
        "from asyncio import gather\nfrom concurrency_lint.parallel import (\n    iter_parallel,\n)\n"
        "\nx = 1\n",
        "from asyncio import gather, to_thread\nfrom concurrency_lint.parallel import (\n"
        "    iter_parallel,\n    run_parallel,\n)\n\nx = 1\n",
    ),
    "if TYPE_CHECKING: imports are not runtime imports": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from asyncio import to_thread\n"
        "\nx = 1\n",
        "from asyncio import to_thread\nfrom typing import TYPE_CHECKING\n\n"
        "from concurrency_lint.parallel import run_parallel\n\n"
        "if TYPE_CHECKING:\n    from asyncio import to_thread\n\nx = 1\n",
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_imports_join_the_right_block(layout: str) -> None:
    source, expected = LAYOUTS[layout]
    assert with_imports(source, NEEDED) == expected
    assert with_imports(expected, NEEDED) == expected  # nothing added twice


def test_a_name_already_imported_is_not_imported_again() -> None:
    source = "from asyncio import to_thread as to_thread\n\nx = 1\n"
    assert with_imports(source, [("asyncio", "to_thread")]) == source


def test_unsorted_names_are_extended_at_the_end() -> None:
    source = "from asyncio import sleep, gather\n"
    assert with_imports(source, [("asyncio", "to_thread")]) == (
        "from asyncio import sleep, gather, to_thread\n"
    )


def test_a_first_party_runtime_module_joins_its_package_block() -> None:
    source = "import os\n\nimport requests\n\nfrom myapp import models\n\nx = 1\n"
    assert with_imports(source, [("myapp.parallel", "run_parallel")]) == (
        "import os\n\nimport requests\n\nfrom myapp import models\n"
        "from myapp.parallel import run_parallel\n\nx = 1\n"
    )
