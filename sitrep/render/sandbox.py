"""The one Jinja environment for a workspace's templates, and the one way to render them.

A workspace's templates are untrusted (a theme from elsewhere). They are given plain data only
(`sitrep.render.plain.to_plain`) and rendered by `SitrepSandbox`, an immutable sandbox that also
refuses every attribute beyond a short list per type: a view's fields, a few pure methods of
strings, mappings, sequences and dates, and Jinja's own loop, cycler and namespace objects.
`|attr`, `str.format` and `%`-formatting go through the same checks. The loader reads only
files inside the workspace or sitrep's own templates, symbolic links included.

`render_template` bounds a render: the output (and any one value) to `MAX_CHARS` characters,
numbers that make a value grow (`"x" * n`, `|center(n)`, `%0nd`, `a ** n`) to `MAX_ARGUMENT`,
the time to `RENDER_SECONDS` (the render is interrupted), and the memory to `MEMORY_HEADROOM`
more address space than the process had (RLIMIT_AS, restored after). Each ends in a
`RenderError` that names the template and line. Its output holds no character XML forbids
(`sitrep.safety.xmlchars`). See SECURITY.md.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import numbers
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
import jinja2.sandbox
import jinja2.utils
from markupsafe import Markup

from sitrep.errors import RenderError
from sitrep.render.plain import PlainView, plain_fields, to_plain
from sitrep.safety.xmlchars import xml_safe

MAX_CHARS = 64 * 1024 * 1024  # a report is well under 5 MB of HTML, charts and map included
MAX_ARGUMENT = 10_000  # a width, a repeat count, an exponent
RENDER_SECONDS = 20.0  # a report renders in well under a second; SITREP_RENDER_SECONDS=N
MEMORY_HEADROOM = 1024**3  # more address space a render may take

_STR = frozenset(
    {
        *("capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha"),
        *("isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper"),
        *("join", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace"),
        *("rfind", "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines"),
        *("startswith", "strip", "swapcase", "title", "upper"),
    }
)
_DATE = frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday", "strftime"})
_LOOP = frozenset(
    {
        *("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth"),
        *("depth0", "previtem", "nextitem", "cycle", "changed"),
    }
)
_SAFE: list[tuple[type | tuple[type, ...], frozenset[str]]] = [
    (Markup, _STR | {"striptags", "unescape"}),
    (str, _STR),
    (Mapping, frozenset({"get", "items", "keys", "values"})),
    ((list, tuple), frozenset({"count", "index"})),
    (dt.datetime, _DATE | {"hour", "minute", "second", "microsecond", "date"}),
    (dt.date, _DATE),
    (dt.time, frozenset({"hour", "minute", "second", "microsecond", "isoformat", "strftime"})),
    (jinja2.runtime.LoopContext, _LOOP),
    (jinja2.utils.Cycler, frozenset({"current", "next", "reset"})),
    (jinja2.runtime.BlockReference, frozenset({"super"})),
]
_SAFE_BY_TYPE = {  # the same, by exact type: the common case, without isinstance
    kind: next(n for types, n in _SAFE if issubclass(kind, types))
    for kind in (Markup, str, dict, list, tuple, dt.datetime, dt.date, jinja2.runtime.LoopContext)
}
_WIDTHS = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_GROWING_FILTERS = ("center", "indent", "wordwrap", "truncate", "batch", "slice")


class TemplateLimit(jinja2.sandbox.SecurityError):
    """A template went past one of the render's bounds."""


class RenderTimeout(BaseException):
    """Raised in the rendering thread when the render took too long (not an Exception, so
    that nothing on the way catches it)."""


def _check_size(value: Any) -> Any:
    if isinstance(value, str | list | tuple | bytes) and len(value) > MAX_CHARS:
        raise TemplateLimit(f"a value of {len(value)} items, more than the {MAX_CHARS} allowed")
    return value


def _check_argument(value: Any) -> None:
    number = isinstance(value, numbers.Number) and not isinstance(value, bool)
    if number and abs(value) > MAX_ARGUMENT:
        raise TemplateLimit(f"{value} is more than the {MAX_ARGUMENT} allowed here")


def _check_format(text: Any) -> None:
    if isinstance(text, str):
        for width, precision in _WIDTHS.findall(text):
            for number in (width, precision):
                if number == "*" or (number and int(number) > MAX_ARGUMENT):
                    raise TemplateLimit(f"a format width of {number} in {text[:40]!r}")


def _bounded_filter(name: str, func: Any) -> Any:
    first = 2 if hasattr(func, "jinja_pass_arg") else 1  # the value, after Jinja's own argument

    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[first:], *kwargs.values()):
            _check_argument(value)
        if name == "format":
            _check_format(args[first - 1])
        return _check_size(func(*args, **kwargs))

    if hasattr(func, "jinja_pass_arg"):  # Jinja's pass_environment / pass_eval_context mark
        # an attribute of the function, as Jinja's own decorators set it
        bounded.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


class SafeLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, refusing a file whose real path is outside `allowed` folders."""

    def __init__(self, dirs: list[Path], allowed: list[Path]) -> None:
        super().__init__([str(d) for d in dirs])
        self.allowed = [a.resolve() for a in allowed]

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(os.path.realpath(filename))
        if not any(real.is_relative_to(root) for root in self.allowed):
            raise RenderError(
                f"{filename}: the template {template!r} is a symbolic link to {real}, outside "
                f"the workspace. Copy the file into templates/ instead of linking to it."
            )
        return source, filename, uptodate


_OUTPUT = threading.local()  # characters the current render of this thread may still output


def _count_output(value: Any) -> Any:
    """Jinja's finalize: every `{{ value }}` is counted, in macros too, where it is output."""
    left = getattr(_OUTPUT, "left", None)
    if left is not None:  # None: Jinja folding a constant while compiling
        left -= len(value) if isinstance(value, str) else len(str(value))
        if left < 0:
            raise TemplateLimit(f"the templates output more than {MAX_CHARS} characters")
        _OUTPUT.left = left
    return value


class SitrepSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, refusing every attribute not on a short list per type."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_count_output, **options)
        self.globals.pop("lipsum", None)  # lipsum(n=10**9): a way to a huge output, unused
        for name in (*_GROWING_FILTERS, "format"):
            self.filters[name] = _bounded_filter(name, self.filters[name])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        if kind is PlainView:  # its fields: never a name with "_" in front
            return attr in plain_fields(obj)
        names = _SAFE_BY_TYPE.get(kind)
        if names is None:
            if isinstance(obj, jinja2.utils.Namespace):  # what the template stored itself
                return super().is_safe_attribute(obj, attr, value)
            names = next((n for types, n in _SAFE if isinstance(obj, types)), frozenset())
        return attr in names and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and not isinstance(left, Decimal):
            _check_argument(right)
        elif operator == "*":
            for count, other in ((left, right), (right, left)):
                sequence = isinstance(other, str | list | tuple)
                if isinstance(count, int) and sequence and len(other) * count > MAX_CHARS:
                    raise TemplateLimit(f"{len(other)} x {count} is too long a value")
        elif operator == "%":
            _check_format(left)
        return _check_size(super().call_binop(context, operator, left, right))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        return _check_size(super().call(context, obj, *args, **kwargs))


def _where(exc: BaseException, dirs: list[Path], name: str) -> str:
    """'partials/x.html, line 3: ' for the innermost template frame of `exc`, else `name`."""
    roots = [str(d) for d in dirs]
    found = f"{name}: "
    tb = exc.__traceback__
    while tb is not None:
        filename, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:  # a frame Jinja did not rewrite (RenderTimeout)
            filename, lineno = template.filename or "", template.get_corresponding_lineno(lineno)
        for root in roots:
            if filename.startswith(root + os.sep):
                found = f"{filename[len(root) + 1 :]}, line {lineno}: "
        tb = tb.tb_next
    return found


def _thread_interrupt(ident: int) -> None:
    """Raise RenderTimeout in thread `ident` at its next Python instruction."""
    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async(ctypes.c_ulong(ident), ctypes.py_object(RenderTimeout))


class _Watchdog:
    """One thread for the process, interrupting each render that passes its deadline."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[object, tuple[float, int]] = {}  # token -> (deadline, thread)
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> object:
        token = object()
        with self._cond:
            self._armed[token] = (time.monotonic() + seconds, threading.get_ident())
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sitrep-render-watch")
                self._thread.daemon = True
                self._thread.start()
            self._cond.notify()
        return token

    def disarm(self, token: object) -> None:
        with self._cond:  # once this returns, the token's thread is never interrupted
            self._armed.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, ident) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        _thread_interrupt(ident)
                nearest = min((d for d, _ in self._armed.values()), default=None)
                self._cond.wait(None if nearest is None else max(0.0, nearest - now))


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    token = _WATCHDOG.arm(seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(token)


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


_MEMORY = threading.Lock()  # one render at a time changes the process's limit


@contextlib.contextmanager
def _memory_bound(headroom: int) -> Iterator[None]:
    """RLIMIT_AS lowered to the address space in use plus `headroom`, while rendering."""
    try:
        import resource  # Unix only
    except ImportError:  # not on a Unix: no bound but the others
        yield
        return
    with _MEMORY:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        used = _address_space()
        limit = None if used is None else used + headroom
        if hard != resource.RLIM_INFINITY and limit is not None:
            limit = min(limit, hard)
        if limit is None or (soft != resource.RLIM_INFINITY and soft <= limit):
            yield
            return
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def render_seconds() -> float:
    """The render's time bound: `RENDER_SECONDS`, or `$SITREP_RENDER_SECONDS` if a number > 0."""
    try:
        seconds = float(os.environ.get("SITREP_RENDER_SECONDS") or RENDER_SECONDS)
    except ValueError:
        return RENDER_SECONDS
    return seconds if 0 < seconds < 1e6 else RENDER_SECONDS


def render_template(
    env: jinja2.Environment, name: str, context: Mapping[str, Any], dirs: list[Path]
) -> str:
    """Template `name` rendered with `context` as plain data, within the bounds above."""
    try:
        plain = to_plain(dict(context))
    except TypeError as exc:
        raise AssertionError(f"sitrep gave its templates more than plain data: {exc}") from None
    try:
        template = env.get_template(name)
        parts: list[str] = []
        size = 0
        _OUTPUT.left = MAX_CHARS
        try:
            with _memory_bound(MEMORY_HEADROOM), _deadline(seconds := render_seconds()):
                for chunk in template.generate(**plain):
                    size += len(chunk)
                    if size > 2 * MAX_CHARS:  # values are counted above; this adds the text
                        raise TemplateLimit(f"the output passed {2 * MAX_CHARS} characters")
                    parts.append(chunk)
        finally:
            _OUTPUT.left = None
        # the last guard: a theme's words or template text may hold what XML forbids too
        return xml_safe("".join(parts))
    except jinja2.TemplateNotFound as exc:
        looked = ", ".join(map(str, dirs))
        raise RenderError(f"template not found: {exc.name} (looked in {looked})") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}, line {exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        where = _where(exc, dirs, name)
        raise RenderError(f"{where}a template uses an undefined name: {exc.message}") from None
    except TemplateLimit as exc:
        raise RenderError(f"{_where(exc, dirs, name)}the template went too far: {exc}") from None
    except jinja2.sandbox.SecurityError as exc:
        raise RenderError(
            f"{_where(exc, dirs, name)}a template tried something unsafe: {exc}"
        ) from None
    except RenderTimeout as exc:
        where = _where(exc, dirs, name)
        raise RenderError(
            f"{where}the templates took more than {seconds:g} s to render: a loop "
            f"that never ends, or loops inside loops?"
        ) from None
    except RecursionError as exc:
        where = _where(exc, dirs, name)
        raise RenderError(
            f"{where}a template calls itself too deeply (a recursive macro?)"
        ) from None
    except MemoryError as exc:
        where = _where(exc, dirs, name)
        raise RenderError(f"{where}the templates took too much memory to render") from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        where = _where(exc, dirs, name)
        raise RenderError(f"{where}a template failed: {type(exc).__name__}: {exc}") from None
