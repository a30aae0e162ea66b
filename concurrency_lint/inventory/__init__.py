"""The concurrency inventory: every mechanism a codebase uses, its configuration and handling."""

from concurrency_lint.inventory.model import FileInventory, Inventory, Section, Use
from concurrency_lint.inventory.scan import InventoryOptions, build_inventory

__all__ = ["FileInventory", "Inventory", "InventoryOptions", "Section", "Use", "build_inventory"]
