"""``conclint rules`` and ``conclint rule CODE``: the rule catalogue and documentation."""

from __future__ import annotations

import click

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
    for rule in all_rules():
        default = "on" if rule.DEFAULT_ENABLED else "off"
        fix = "yes" if rule.has_fix() else "no"
        lines.append(f"{rule.CODE:<6}  {rule.NAME:<32}  {default:<7}  {fix:<3}  {rule.MESSAGE}")
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    """The catalogue as a Markdown table (the README's rule table is this output)."""
    from concurrency_lint.checking.registry import all_rules

    lines = ["| code | name | default | fix | what it flags |", "|---|---|---|---|---|"]
    for rule in all_rules():
        default = "on" if rule.DEFAULT_ENABLED else "off"
        fix = "yes" if rule.has_fix() else "no"
        summary = rule.MESSAGE.replace("|", "\\|")
        lines.append(f"| {rule.CODE} | {rule.NAME} | {default} | {fix} | {summary} |")
    return "\n".join(lines) + "\n"


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print the documentation of one rule (e.g. `conclint rule CL201`)."""
    from concurrency_lint.checking.registry import rule_by_code

    rule = rule_by_code(code)
    if rule is None:
        fail(f"unknown rule code {code!r} (see `conclint rules`)")
        return
    click.echo(f"{rule.CODE} {rule.NAME}\n")
    click.echo(rule.documentation())
