"""Modules imported on first use, so that the page is served before torch and the models load.

`torch = lazy("torch")` stands for the module: its first attribute access imports it (once, under
the import system's own per-module lock, so two threads may touch it at once). app.py builds the
page without importing torch; a background thread imports it a few seconds after the page is
served (`preload`), so the first click rarely waits. tests/test_layering.py reads `lazy("…")` as an import.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
import types


class LazyModule(types.ModuleType):
    """A stand-in for a module that is imported when one of its attributes is first read."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def _load(self) -> types.ModuleType:
        target = self.__dict__["_lazy_target"]
        if target is None:
            target = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = target
        return target

    def __getattr__(self, attr: str):
        return getattr(self._load(), attr)

    def __dir__(self):
        return dir(self._load())


_WANTED: dict[str, None] = {}  # every module a stand-in was made for, in order (preload's list)


def lazy(name: str) -> types.ModuleType:
    """The module `name` if it is imported already, else a stand-in that imports it when used."""
    _WANTED.setdefault(name)
    return sys.modules.get(name) or LazyModule(name)


def preload(delay_s: float = 0.0) -> threading.Thread:
    """Import every module the page's stand-ins name, in a background thread (once the page is
    served)."""
    names = sorted(_WANTED, key=lambda n: n != "torch")  # torch first: everything needs it

    def run() -> None:
        time.sleep(delay_s)
        for name in names:
            try:
                importlib.import_module(name)
            except Exception as e:  # noqa: BLE001 - the callback that needs it will say why
                print(f"preload of {name} failed: {type(e).__name__}: {e}", flush=True)

    thread = threading.Thread(target=run, name="preload", daemon=True)
    thread.start()
    return thread
