"""The command line's commands, options and help, as click builds them.

`medlint.cli` is what the `medlint` program runs: a plain `check` of some paths (the pre-commit
hook) runs there without importing click (about a tenth of a one-page run); everything else,
and every test that drives the command line through click, comes here.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import click

from medlint import __version__, cli
from medlint.cli import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    FORMATS,
    _load,
    _settings,
    exit_code,
)


class MedlintGroup(click.Group):
    """Turns configuration errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from medlint.config import ConfigError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"medlint: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except RuntimeError as exc:
            # A worker process that failed (parallel.WorkerFailed: it carries the worker's own
            # traceback) is an internal error of the run, said in full, with exit status 2.
            message = cli.worker_failure(exc)
            if message is None:
                raise
            click.echo(message, err=True)
            ctx.exit(EXIT_ERROR)
        except OSError as exc:
            import errno

            if exc.errno == errno.EPIPE:
                raise  # a closed pipe (`| head`): click's own quiet exit
            cli.output_failed(exc)


def common_options(f: click.decorators.FC) -> click.decorators.FC:
    options = [
        click.option(
            "--select",
            multiple=True,
            help="Only these rules (names or codes; comma-separated or repeated).",
        ),
        click.option("--ignore", multiple=True, help="Skip these rules (names or codes)."),
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False),
            help="Config file (default: nearest medlint.toml or pyproject.toml).",
        ),
        click.option(
            "--today",
            metavar="DATE",
            envvar="MEDLINT_TODAY",
            help="Date to judge review currency against (YYYY-MM-DD; env MEDLINT_TODAY).",
        ),
        click.option(
            "--offline",
            is_flag=True,
            help="Never touch the network (remote links are not checked).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write .medlint_cache/."),
        click.option(
            "--quiet", "-q", is_flag=True, help="Print findings only, no summary when clean."
        ),
        click.option("--statistics", is_flag=True, help="Add counts by rule."),
        click.option(
            "--allow-private",
            multiple=True,
            metavar="HOST_OR_CIDR",
            help="Allow link checks to this non-public host or network (repeatable).",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes for large runs (default: one per core; 1: all in this process).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.group(cls=MedlintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medlint")
def main() -> None:
    """Lint, validate and fix medical patient-education Markdown with YAML frontmatter."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    callback=lambda ctx, param, value: _report_targets(value),
    help="Also write a FORMAT report to PATH from the same run (repeatable), e.g. "
    "`--report sarif=medlint.sarif --report markdown=$GITHUB_STEP_SUMMARY`.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that fails the run (default: error).",
)
def check(
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
    """Check PATHS (default: the current folder) and report findings."""
    cli.check_paths(
        paths,
        select,
        ignore,
        config_path,
        today,
        offline,
        no_cache,
        quiet,
        statistics,
        allow_private,
        fmt,
        output,
        reports,
        fail_on,
        jobs,
    )


def _report_targets(values: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """Parse `--report FORMAT=PATH` values."""
    out = []
    for value in values:
        fmt, sep, path = value.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not path:
            raise click.BadParameter(f"`{value}` is not FORMAT=PATH", param_hint="--report")
        if fmt not in FORMATS:
            choices = ", ".join(FORMATS)
            raise click.BadParameter(
                f"unknown format `{fmt}` (choose from {choices})", param_hint="--report"
            )
        out.append((fmt, Path(path)))
    return tuple(out)


@main.command(name="fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common_options
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change meaning.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 1 if a file would change."
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity of remaining findings that fails the run (default: error).",
)
def fix_cmd(
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
    unsafe_fixes: bool,
    jobs: int | None,
    show_diff: bool,
    check_only: bool,
    fail_on: str | None,
) -> None:
    """Fix PATHS (default: the current folder): safe fixes, or all with --unsafe-fixes."""
    from medlint.fixer import fix_roots, run_fix
    from medlint.parallel import default_jobs
    from medlint.reporters.text import clean
    from medlint.runner import collect

    # fix never touches the network; permanent redirects come from the link cache `check` wrote.
    del statistics, allow_private
    loaded = _load(config_path)
    settings = _settings(loaded, select, ignore, today, fail_on)
    if not (offline or loaded.config.offline or no_cache):
        settings = dataclasses.replace(settings, link_cache=Path(loaded.config.cache_dir))
    items = collect(list(paths) or [Path(".")], Path.cwd(), loaded.config, loaded.root)
    roots = fix_roots(list(paths) or [Path(".")], Path.cwd())
    write = not (show_diff or check_only)
    workers = jobs or default_jobs()
    # A progress bar only for a person at a terminal waiting on a long run; never in CI logs.
    if len(items) >= 300 and sys.stderr.isatty() and not os.environ.get("CI"):
        with click.progressbar(length=len(items), label="Fixing", file=sys.stderr) as bar:
            run = run_fix(
                items,
                settings,
                unsafe=unsafe_fixes,
                write=write,
                diff=show_diff,
                progress=lambda done, total: bar.update(1),
                jobs=workers,
                roots=roots,
            )
    else:
        run = run_fix(
            items,
            settings,
            unsafe=unsafe_fixes,
            write=write,
            diff=show_diff,
            jobs=workers,
            roots=roots,
        )
    for file in run.files:
        if file.diff:
            click.echo(file.diff, nl=False)
        if file.problem is not None:
            click.echo(f"{clean(file.display)}: {file.problem}", err=True)
    remaining = run.remaining
    if not show_diff:
        for f in remaining:
            sev = "" if f.severity.label == "error" else f" ({f.severity.label})"
            mark = ""
            if f.fix is not None:
                mark = " [*]" if f.fix.applicability.value == "safe" else " [unsafe fix]"
            click.echo(
                f"{clean(f.path)}:{f.span.line}:{f.span.column}: {f.code} [{f.rule}]{sev} "
                f"{clean(f.message)}{mark}"
            )
    if not (quiet and not remaining and not run.would_change):
        click.echo(run.summary(), err=show_diff)
    code = exit_code(remaining, settings.fail_on)
    if code == EXIT_OK and ((not write and run.would_change) or any(f.problem for f in run.files)):
        code = EXIT_FINDINGS
    raise SystemExit(code)


@main.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_cmd(fmt: str) -> None:
    """List every rule: code, name, fix availability, default severity."""
    import json

    from medlint.registry import all_rules

    rules = all_rules()
    if fmt == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "summary": r.summary,
                "fix": r.fix,
                "severity": r.severity.label,
            }
            for r in rules.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r.name) for r in rules.values())
    click.echo(f"{'code':6s}  {'name':{width}s}  {'fix':9s}  {'severity':8s}  summary")
    for r in rules.values():
        click.echo(
            f"{r.code:6s}  {r.name:{width}s}  {r.fix:9s}  {r.severity.label:8s}  {r.summary}"
        )


@main.command(name="rule")
@click.argument("name")
def rule_cmd(name: str) -> None:
    """Explain one rule (by name or code)."""
    from medlint.registry import lookup

    rule = lookup(name)
    if rule is None:
        click.echo(f"medlint: error: unknown rule `{name}` (see `medlint rules`)", err=True)
        raise SystemExit(EXIT_ERROR)
    click.echo(f"# {rule.name} ({rule.code})\n")
    click.echo(f"{rule.summary}. Default severity: {rule.severity.label}. Fix: {rule.fix}.\n")
    click.echo(rule.doc())
    fields = dataclasses.fields(rule.Options)
    if fields:
        click.echo("\n## Options")
        for info in fields:
            default = info.default
            if info.default_factory is not dataclasses.MISSING:
                default = info.default_factory()
            click.echo(
                f"- `{info.name.replace('_', '-')}` (default {default!r}): "
                f"{info.metadata.get('description', '')}"
            )


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
def schema(config_path: str | None) -> None:
    """Print the frontmatter JSON Schema (with this project's vocabularies and extra fields)."""
    import json

    from medlint import schema as schema_mod

    settings = _settings(_load(config_path), (), (), None, None)
    click.echo(
        json.dumps(schema_mod.json_schema(settings.ctx.packs, settings.ctx.schema_extra), indent=2)
    )
