"""One file's view of the project model, as the analysis asks it (``ProjectNames``)."""

from __future__ import annotations

from concurrency_lint.analysis.call_shape import CallShape
from concurrency_lint.analysis.pool_classes import ThreadPoolShape
from concurrency_lint.project.layout import ModuleFile, module_of, roots_for
from concurrency_lint.project.model import Loader, ProjectModel


class FileView:
    """The project around one file: its module name and a model over its roots."""

    def __init__(self, module: ModuleFile, model: ProjectModel) -> None:
        self.module_name = module.name
        self.is_package = module.is_package
        self.model = model

    def canonical(self, qualified: str) -> str | None:
        return self.model.canonical(qualified)

    def made_by(self, qualified: str) -> str | None:
        return self.model.made_by(qualified)

    def value_type(self, qualified: str) -> str | None:
        return self.model.value_type(qualified)

    def from_star(self, module: str, dotted: str) -> str | None:
        return self.model.from_star(module, dotted)

    def member_type(self, owner: str, member: str, called: bool) -> str | None:
        return self.model.member_type(owner, member, called)

    def only_prints(self, qualified: str) -> bool:
        return self.model.only_prints(qualified)

    def is_string_constant(self, qualified: str) -> bool:
        return self.model.is_string_constant(qualified)

    def thread_pool(self, qualified: str) -> ThreadPoolShape | None:
        return self.model.thread_pool(qualified)

    def calls_elsewhere(self, name: str) -> tuple[CallShape, ...] | None:
        return self.model.calls_elsewhere(self.module_name, name)

    def function_io(self, qualified: str) -> str | None:
        return self.model.function_io(qualified)

    def used_modules(self) -> dict[str, ModuleFile]:
        """The modules whose summaries the answers so far have read."""
        return dict(self.model.used)


def view_of(path: str, load: Loader, scanned_roots: tuple[str, ...] = ()) -> FileView | None:
    """The view for a file on disk, or None when it is not a module (no name to import)."""
    found = module_of(path)
    if found is None:
        return None
    return FileView(found[0], ProjectModel(roots_for(path, scanned_roots), load))
