"""The command line: it only wires config, engine and reporters together.

Exit codes (contract): 0 nothing at or above `--fail-on`; 1 findings at or above it (for `fix`,
findings remain, or with `--check` a file would change); 2 usage, config or internal error.
Heavy modules are imported inside the commands so `medlint --help` and the pre-commit path pay
only for what they use. That goes for click too: the pre-commit hook runs `medlint check` with
a few flags and the staged files, and importing click and parsing with it is about a tenth of
such a run. `main` takes that form of the command line itself (see `_plain_check`) and hands
every other one, unchanged, to the click commands in `medlint.commands`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

# medlint's pydantic model (the frontmatter profile) is its own: a pydantic plugin installed for
# another project has nothing to observe in it, and looking for plugins reads every installed
# package's metadata when pydantic is first used (about 10 ms).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import click

    from medlint.config import LoadedConfig
    from medlint.engine import Settings
    from medlint.findings import Finding, Severity
    from medlint.reporters.base import Report

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown", "html")


def _split(values: tuple[str, ...]) -> list[str]:
    return [v for raw in values for v in raw.split(",") if v.strip()]


def _date(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        import click

        raise click.BadParameter(f"`{value}` is not a date (YYYY-MM-DD)", param_hint=what) from None


def _load(config_path: str | None) -> LoadedConfig:
    from medlint.config import load_config

    return load_config(Path(config_path) if config_path else None, Path.cwd())


def _settings(
    loaded: LoadedConfig,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    today: str | None,
    fail_on: str | None,
) -> Settings:
    _import_yaml()  # before the frontmatter reader and the packs import it
    from medlint.engine import build_settings

    return build_settings(
        loaded.config,
        config_root=loaded.root,
        select=_split(select) or None,
        ignore=_split(ignore) or None,
        today=_date(today, "--today"),
        fail_on=fail_on,
    )


def check_paths(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_path: str | None,
    today: str | None,
    offline: bool,
    no_cache: bool,
    quiet: bool,
    statistics: bool,
    allow_private: tuple[str, ...],
    fmt: str,
    output: Path | None,
    reports: tuple[tuple[str, Path], ...],
    fail_on: str | None,
    jobs: int | None,
) -> None:
    """`medlint check`: check PATHS and report (the command's options, parsed)."""
    from medlint.runner import (
        RunOptions,
        collect,
        make_report,
        recall_memo,
        remembered,
        run_check,
    )

    loaded = _load(config_path)
    items = collect(list(paths) or [Path(".")], Path.cwd(), loaded.config, loaded.root)
    options = RunOptions(
        offline=offline or loaded.config.offline,
        statistics=statistics,
        no_cache=no_cache,
        allow_private=allow_private,
        jobs=jobs,
        cache_dir=loaded.root / loaded.config.cache_dir,
    )
    if options.offline and not no_cache:
        options.memo_key = _memo_key(loaded, select, ignore, today)
    # With nothing changed since the last such run, its outcome is all there is to report:
    # the settings (every rule imported, every pack read) are built only when pages are read.
    settings = None
    # How the output is shown, besides the run's outcome: with the outcome unchanged, the
    # output printed last time is printed again without decoding a finding.
    colour, fail_name = _colour(), fail_on or loaded.config.fail_on
    how = (fmt, quiet, colour, statistics, fail_name, _targets(paths))
    hit = recall_memo(items, loaded.config, options)
    if hit is not None and output is None and not reports:
        from medlint.runmemo import shown

        known = shown(hit, how)
        if known is not None:
            _echo(known[1], nl=False)
            raise SystemExit(known[0])
    from medlint.findings import Severity

    fail = Severity.parse(fail_name)  # as build_settings makes it
    if hit is not None:
        run = remembered(hit)
    else:
        settings = _settings(loaded, select, ignore, today, fail_on)
        run = run_check(items, settings, loaded.config, options)
    report = make_report(run, settings, statistics=statistics)
    report = dataclasses.replace(report, fail_on=fail, targets=_targets(paths))
    written = True
    code = exit_code(run.findings, fail)  # once: a large run's findings decode on each pass
    if output is None:
        _print(report, fmt, quiet=quiet, colour=colour, memo=run.memo, how=how, code=code)
    else:
        written = _write_report(report, fmt, output, quiet)
    for extra_fmt, path in reports:
        written = _write_report(report, extra_fmt, path, quiet) and written
    raise SystemExit(code if written else EXIT_ERROR)


def _targets(paths: tuple[Path, ...]) -> tuple[str, ...]:
    """The paths as named on the command line, for report headers."""
    return tuple(str(p) for p in paths)


def _memo_key(
    loaded: LoadedConfig, select: tuple[str, ...], ignore: tuple[str, ...], today: str | None
) -> str:
    """The run memo's key: everything `_settings` builds the settings from (see runmemo)."""
    from medlint.discovery import read_regular
    from medlint.runmemo import run_key

    packs = []
    for pack in loaded.config.rule_packs:
        try:
            packs.append((pack, read_regular(loaded.root / pack)))
        except OSError:  # building the settings will say so; no memo is written then
            packs.append((pack, b""))
    inputs = (
        loaded.config,
        str(loaded.path),
        str(loaded.root),
        sorted(select),
        sorted(ignore),
        today,
        os.environ.get("MEDLINT_TODAY"),
        dt.date.today().isoformat(),
        packs,
    )
    return run_key(inputs)


def _write_report(report: Report, fmt: str, path: Path, quiet: bool) -> bool:
    """Write one report file (creating its folder); a failure is one clear line, not a crash."""
    try:
        if fmt == "html":
            # The HTML report links to the checked files relative to where it is written.
            try:
                base = os.path.relpath(Path.cwd(), path.parent.resolve())
            except (ValueError, RuntimeError):  # another drive; a folder whose links loop
                base = "."  # (pathlib's RuntimeError; writing there fails just below)
            report = dataclasses.replace(report, link_base="" if base == "." else base + "/")
        made = pieces(report, fmt, quiet=quiet)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            for piece in made:
                out.write(piece)
    except OSError as exc:
        _echo(f"medlint: error: cannot write {fmt} report to {path}: {exc}", err=True)
        return False
    return True


def _print(
    report: Report,
    fmt: str,
    *,
    quiet: bool,
    colour: bool,
    memo: tuple[Path, int] | None,
    how: object,
    code: int,
) -> None:
    """Print the report; with a run memo, keep the output beside it as it is printed (see
    runmemo.shown). The formats that can be are printed piece by piece, never made whole."""
    made = pieces(report, fmt, quiet=quiet, colour=colour)

    def printed() -> Iterator[str]:
        for piece in made:
            _echo(piece, nl=False)
            yield piece

    if memo is None:
        for _ in printed():
            pass
        return
    from medlint.runmemo import remember_shown

    remember_shown(*memo, how, code, printed())


def render(report: object, fmt: str, *, quiet: bool = False, colour: bool = False) -> str:
    return "".join(pieces(report, fmt, quiet=quiet, colour=colour))


def pieces(report: object, fmt: str, *, quiet: bool = False, colour: bool = False) -> Iterator[str]:
    """The report in `fmt`, in pieces made as they are written: text, JSON, SARIF, GitLab and
    GitHub reports of a large run are tens of MB, and made whole they were its peak of memory
    (a JSON report of 100,000 pages took 255 MB). The other formats come as one piece."""
    from importlib import import_module

    from medlint.reporters.base import Report

    assert isinstance(report, Report)
    if fmt == "text":
        from medlint.reporters import text

        return text.pieces(report, colour=colour, quiet=quiet)
    module = import_module(f"medlint.reporters.{fmt}")
    if hasattr(module, "pieces"):
        made: Iterator[str] = module.pieces(report)
        return made
    rendered: str = module.render(report)
    return iter((rendered,))


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def exit_code(findings: Sequence[Finding], fail_on: Severity) -> int:
    worst = EXIT_OK
    for f in findings:
        if f.rule == "internal-error":
            return EXIT_ERROR
        if f.severity >= fail_on:
            worst = EXIT_FINDINGS
    return worst


# PyYAML's pure-Python reader compiles, as yaml is imported, a character class spanning all of
# Unicode (`yaml.reader.Reader.NON_PRINTABLE`), and sre builds it code point by code point:
# about 57M instructions, an eighth of a one-page check. medlint reads YAML with libyaml (the
# frontmatter, the rule packs); the pure-Python reader, the only user of that pattern, is the
# fallback for what libyaml is not given or refuses.
_YAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class _CompiledOnFirstUse:
    """Stands for a compiled pattern and compiles it when first asked for anything."""

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern)
        return getattr(self._compiled, name)


def _import_yaml() -> None:
    """Import yaml with the reader's `NON_PRINTABLE` compiled on first use (see above): the
    same pattern, matching the same text, when the pure-Python reader first checks some."""
    if "yaml" in sys.modules:
        return
    real = re.compile

    def deferring(pattern: Any, flags: Any = 0) -> Any:
        if pattern == _YAML_NON_PRINTABLE and not flags:
            return _CompiledOnFirstUse(pattern)
        return real(pattern, flags)

    re.compile = deferring
    try:
        import yaml  # noqa: F401
    finally:
        re.compile = real


def _echo(message: str, *, nl: bool = True, err: bool = False) -> None:
    """`click.echo` when click runs the command; without it, the same text written and flushed.

    Without click this is only the plain `check` (text format), whose output holds no escape
    sequence for `click.echo` to strip: the text reporter escapes control characters.
    """
    if "click" in sys.modules:
        import click

        click.echo(message, nl=nl, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    if nl:
        message += "\n"
    if message:
        stream.write(message)
    stream.flush()


# `check`'s flags that take no value: the only options a plain check may have.
_PLAIN_FLAGS = {
    "--offline": "offline",
    "--no-cache": "no_cache",
    "--quiet": "quiet",
    "-q": "quiet",
    "--statistics": "statistics",
}


def _plain_check(args: Sequence[str]) -> dict[str, bool] | None:
    """The flags of `check [FLAG | PATH]...` with flags from `_PLAIN_FLAGS`, or None.

    None sends the command line to click: any other command or option, a value that click would
    refuse (a `MEDLINT_TODAY` that is not a date, a path that exists but cannot be read), or
    anything click treats specially (`--`, `-`, shell completion, an ASCII-only stdout that
    click re-wraps). What is left parses the same both ways: flags anywhere, every other word a
    path.
    """
    if not args or args[0] != "check":
        return None
    flags = dict.fromkeys(("offline", "no_cache", "quiet", "statistics"), False)
    for arg in args[1:]:
        name = _PLAIN_FLAGS.get(arg)
        if name is not None:
            flags[name] = True
            continue
        unreadable = os.path.exists(arg) and not os.access(arg, os.R_OK)
        if not arg or arg.startswith("-") or unreadable:
            return None
    today = os.environ.get("MEDLINT_TODAY")
    if today:
        try:
            dt.date.fromisoformat(today)
        except ValueError:
            return None
    if any(key.endswith("_COMPLETE") for key in os.environ):
        return None
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    if encoding.lower().replace("-", "").replace("_", "") in ("ascii", "usascii", "646"):
        return None
    return flags


def _run_plain_check(args: Sequence[str], flags: dict[str, bool]) -> None:
    """Run a plain `check` as click would: the same exit status and messages for a config
    error, an interrupt and a closed pipe as `MedlintGroup` and click's standalone mode."""
    import errno

    from medlint.config import ConfigError

    paths = tuple(Path(arg) for arg in args[1:] if arg not in _PLAIN_FLAGS)
    try:
        try:
            check_paths(
                paths,
                select=(),
                ignore=(),
                config_path=None,
                today=os.environ.get("MEDLINT_TODAY") or None,
                allow_private=(),
                fmt="text",
                output=None,
                reports=(),
                fail_on=None,
                jobs=None,
                **flags,
            )
        except ConfigError as exc:
            _echo(f"medlint: error: {exc}", err=True)
            raise SystemExit(EXIT_ERROR) from None
        except RuntimeError as exc:
            message = worker_failure(exc)
            if message is None:
                raise
            _echo(message, err=True)
            raise SystemExit(EXIT_ERROR) from None
        except (EOFError, KeyboardInterrupt):
            _echo("", err=True)
            _echo("Aborted!", err=True)
            raise SystemExit(1) from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            output_failed(exc)
        sys.stdout = cast("TextIO", _QuietFlush(sys.stdout))
        sys.stderr = cast("TextIO", _QuietFlush(sys.stderr))
        raise SystemExit(1) from None


def output_failed(exc: OSError) -> NoReturn:
    """An error the run could not turn into a finding, most often its output failing to be
    written (a full disk behind `> file`): one line and exit status 2, not a traceback. The
    streams are then flushed quietly: the interpreter's last flush of what could not be
    written would fail again and print an error of its own."""
    sys.stdout = cast("TextIO", _QuietFlush(sys.stdout, exc.errno))
    sys.stderr = cast("TextIO", _QuietFlush(sys.stderr, exc.errno))
    with contextlib.suppress(OSError):
        sys.stderr.write(f"medlint: error: {exc}\n")
        sys.stderr.flush()
    raise SystemExit(EXIT_ERROR) from None


def worker_failure(exc: RuntimeError) -> str | None:
    """What to say of a worker process that failed (`parallel.WorkerFailed`, which carries the
    worker's own traceback), or None when `exc` is not that. The module is looked up, not
    imported: if it was never loaded, this is not one."""
    parallel = sys.modules.get("medlint.parallel")
    if parallel is None or not isinstance(exc, parallel.WorkerFailed):
        return None
    return f"medlint: internal error in a worker process:\n{exc}"


class _QuietFlush:
    """A stream whose flush ignores a closed pipe (or the error the output already failed
    with), as click's standalone mode wraps stdout and stderr after one: the interpreter's
    last flush at exit would otherwise print an error."""

    def __init__(self, wrapped: TextIO, failed: int | None = None) -> None:
        self.wrapped = wrapped
        self.failed = failed

    def flush(self) -> None:
        import errno

        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, self.failed):
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


_FREEZING_AT_EXIT: list[bool] = []


def _freeze_at_exit() -> None:
    """Have the process hide every object from the cyclic collector (`gc.freeze`) as it exits,
    before the interpreter's last collections: they traversed every object the run had made,
    to free memory the process was about to hand back whole (28 M instructions of a cold
    2,000-page run's main process, 4 % of its work after the workers fork). Objects are still
    freed as their last reference goes; only reference cycles are left to the system, and no
    file medlint writes is left to them (each is written and closed in a `with` block)."""
    if not _FREEZING_AT_EXIT:
        import atexit
        import gc

        atexit.register(gc.freeze)
        _FREEZING_AT_EXIT.append(True)


class _Main:
    """`medlint`'s entry point: a plain `check` runs here, anything else goes to click.

    Everything else about it (`main.commands`, `CliRunner().invoke(main, ...)`) is the click
    group's, imported on first use.
    """

    def __call__(self, args: Sequence[str] | None = None, **extra: Any) -> Any:
        _freeze_at_exit()
        argv = sys.argv[1:] if args is None else list(args)
        flags = None if extra else _plain_check(argv)
        if flags is None:
            return self._group()(args, **extra)
        _run_plain_check(argv, flags)
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group(), name)

    @staticmethod
    def _group() -> click.Group:
        from medlint.commands import main as group

        return group


if TYPE_CHECKING:
    main: click.Group
else:
    main = _Main()
