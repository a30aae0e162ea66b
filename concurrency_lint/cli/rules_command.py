"""``conclint rules`` and ``conclint rule CODE``: the rule catalogue and documentation."""

from __future__ import annotations

import click

from concurrency_lint.cli.settings import fail


@click.command("rules")
def rules_command() -> None:
    """List every rule: code, name, on by default, fix available."""
    from concurrency_lint.registry import all_rules

    click.echo(f"{'code':<6}  {'name':<32}  {'default':<7}  {'fix':<3}  summary")
    for rule in all_rules():
        default = "on" if rule.DEFAULT_ENABLED else "off"
        fix = "yes" if rule.has_fix() else "no"
        click.echo(f"{rule.CODE:<6}  {rule.NAME:<32}  {default:<7}  {fix:<3}  {rule.MESSAGE}")


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print the documentation of one rule (e.g. `conclint rule CL201`)."""
    from concurrency_lint.registry import rule_by_code

    rule = rule_by_code(code)
    if rule is None:
        fail(f"unknown rule code {code!r} (see `conclint rules`)")
        return
    click.echo(f"{rule.CODE} {rule.NAME}\n")
    click.echo(rule.documentation())
