"""``conclint rules`` and ``conclint rule CODE``: the rule catalogue and documentation."""

from __future__ import annotations

import click

from concurrency_lint.checking.engine_codes import ENGINE_CODE_DOCS, engine_code
from concurrency_lint.cli.settings import fail


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown prints the table the README carries.",
)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, on by default, fix available."""
    click.echo(rules_markdown() if output_format == "markdown" else rules_text(), nl=False)


def rules_text() -> str:
    from concurrency_lint.checking.registry import all_rules

    lines = [f"{'code':<6}  {'name':<32}  {'default':<7}  {'fix':<3}  summary"]
    for entry in ENGINE_CODE_DOCS:
        lines.append(
            f"{entry.code:<6}  {entry.name:<32}  {'always':<7}  {'no':<3}  {entry.message}"
        )
    for rule in all_rules():
        default = "on" if rule.DEFAULT_ENABLED else "off"
        fix = "yes" if rule.has_fix() else "no"
        lines.append(f"{rule.CODE:<6}  {rule.NAME:<32}  {default:<7}  {fix:<3}  {rule.MESSAGE}")
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    """The catalogue as a Markdown table (the README's rule table is this output)."""
    from concurrency_lint.checking.registry import all_rules

    lines = ["| code | name | default | fix | what it flags |", "|---|---|---|---|---|"]
    for entry in ENGINE_CODE_DOCS:
        lines.append(f"| {entry.code} | {entry.name} | always | no | {entry.message} |")
    for rule in all_rules():
        default = "on" if rule.DEFAULT_ENABLED else "off"
        fix = "yes" if rule.has_fix() else "no"
        summary = rule.MESSAGE.replace("|", "\\|")
        lines.append(f"| {rule.CODE} | {rule.NAME} | {default} | {fix} | {summary} |")
    return "\n".join(lines) + "\n"


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print the documentation of one rule (e.g. `conclint rule CL201`, `conclint rule CL001`)."""
    from concurrency_lint.checking.registry import rule_by_code

    engine = engine_code(code)
    if engine is not None:
        click.echo(f"{engine.code} {engine.name}\n")
        click.echo(engine.documentation, nl=False)
        return
    rule = rule_by_code(code)
    if rule is None:
        fail(f"unknown rule code {code!r} (see `conclint rules`)")
        return
    click.echo(f"{rule.CODE} {rule.NAME}\n")
    click.echo(rule.documentation())
