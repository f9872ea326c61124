"""Every error of the library pickles: raised in a worker process, it reaches the parent whole."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import nianbao
from nianbao.errors import NianbaoError, UnreadableInput


def _all_errors() -> list[type[NianbaoError]]:
    for module in pkgutil.walk_packages(nianbao.__path__, "nianbao."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    seen: list[type[NianbaoError]] = []
    todo: list[type[NianbaoError]] = [NianbaoError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return seen


def _example(cls: type[NianbaoError]) -> NianbaoError:
    """One instance of `cls`, built the way the library builds it."""
    if cls.__init__ is NianbaoError.__init__:
        return cls("无法读取：a.txt", "cannot read: a.txt")
    if cls.__name__ == "BatchInterrupted":
        from nianbao.batch import BatchSummary

        return cls(BatchSummary(out=Path("out"), ruleset="r", checked=3))  # type: ignore[call-arg]
    raise AssertionError(f"add an example of {cls.__name__} to this test")


@pytest.mark.parametrize("cls", _all_errors(), ids=lambda c: c.__name__)
def test_every_error_survives_pickling(cls: type[NianbaoError]) -> None:
    error = _example(cls)
    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is cls
    assert (copy.message_zh, copy.message_en) == (error.message_zh, error.message_en)
    assert str(copy) == str(error)
    assert copy.exit_status == error.exit_status and copy.code == error.code
    assert copy.__dict__.keys() == error.__dict__.keys()


def _raise_in_worker() -> None:
    raise UnreadableInput("文件不存在：x.txt", "file not found: x.txt")


def test_a_worker_error_reaches_the_parent_as_itself() -> None:
    with ProcessPoolExecutor(1) as pool, pytest.raises(UnreadableInput) as caught:
        pool.submit(_raise_in_worker).result()

    assert caught.value.message_en == "file not found: x.txt"
