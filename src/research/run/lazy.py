"""Defer imports that cost time and are almost never used by a run.

``jsonschema`` (imported by ``nbformat``, hence by papermill and nbconvert) imports
``rfc3987_syntax`` eagerly when it is installed (it comes with ``jsonschema[format-nongpl]``, a
dependency of ``jupyter-events``); that module builds a Lark grammar at import, about 0.65 s, to
check the ``iri`` and ``iri-reference`` string formats, which no notebook schema uses.
:func:`defer_rfc3987_syntax` puts a small stand-in module in its place: its ``is_valid_syntax``
(and any other attribute) imports the real module on first use, so behaviour is unchanged.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

__all__ = ["defer_rfc3987_syntax"]

_NAME = "rfc3987_syntax"


def _real() -> types.ModuleType:
    """Import the real ``rfc3987_syntax`` (once), replacing the stand-in."""
    current = sys.modules.get(_NAME)
    if current is not None and not getattr(current, "__research_deferred__", False):
        return current
    sys.modules.pop(_NAME, None)
    try:
        return importlib.import_module(_NAME)
    except BaseException:
        if current is not None:
            sys.modules.setdefault(_NAME, current)
        raise


def _is_valid_syntax(*args, **kwargs):
    return _real().is_valid_syntax(*args, **kwargs)


def _getattr(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_real(), name)


def defer_rfc3987_syntax() -> bool:
    """Stand in for ``rfc3987_syntax`` until it is used; ``True`` when the stand-in was installed.

    Nothing is done when the module is already imported or not installed.
    """
    if _NAME in sys.modules or "jsonschema._format" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(_NAME)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    stand_in = types.ModuleType(_NAME, "Deferred rfc3987_syntax (research.run.lazy).")
    stand_in.__research_deferred__ = True
    stand_in.__spec__ = spec
    stand_in.is_valid_syntax = _is_valid_syntax
    stand_in.__getattr__ = _getattr
    sys.modules[_NAME] = stand_in
    return True
