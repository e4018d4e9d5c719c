"""The rule registry: every rule's stable id, severity, bilingual texts, facts and check.

Ids are a family letter and three digits (Y YAML, S schema, C codes, R references,
L layers, Q quality, B bundles, K case records), as in ruff; they never change meaning once released.
What a rule *means* for the rest of the program (the file could not be read, it must not
be rewritten, the machine rather than the catalogue is at fault) is an attribute of the
rule, asked through this module, never a list of ids elsewhere. Code outside ``rules/``
names a rule only through :func:`rule_id`, which fails at import on an unknown id.

This module imports only the foundation (findings, i18n): every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from zjpaoyici.findings import Finding, Loc, Severity
from zjpaoyici.i18n import Bi, Lang, t

Scope = Literal["load", "catalogue", "region", "entry"]


FAMILIES: dict[str, Bi] = {
    "Y": Bi("YAML 与文件", "YAML and files"),
    "S": Bi("结构（JSON Schema）", "structure (JSON Schema)"),
    "C": Bi("编码", "codes"),
    "R": Bi("引用", "references"),
    "L": Bi("层级继承", "layers"),
    "Q": Bi("质量", "quality"),
    "B": Bi("一件事", "bundles"),
    "K": Bi("承诺与办件", "promise and practice (case records)"),
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One check: what it finds, how it says so, and (for model rules) the function."""

    id: str
    name: str
    severity: Severity
    title: Bi
    message: Bi
    hint: Bi
    why: Bi
    scope: Scope
    # after this problem the file contributes nothing to the model
    unreadable: bool = False
    # the file must not be rewritten (fmt, merge, explode, import) while it has this problem
    blocks_rewrite: bool = False
    # the machine, not the catalogue, is at fault (an OS error): the run exits 2
    environment: bool = False
    check: Callable[..., Iterable[Finding]] | None = None
    # further checks of the same rule at other scopes (e.g. a global and a per-region part)
    more: tuple[tuple[Scope, Callable[..., Iterable[Finding]]], ...] = ()

    @property
    def family(self) -> str:
        return self.id[0]

    def checks(self) -> Iterable[tuple[Scope, Callable[..., Iterable[Finding]]]]:
        """Every (scope, function) that implements this rule."""
        if self.check is not None:
            yield self.scope, self.check
        yield from self.more


REGISTRY: dict[str, Rule] = {}
NO_HINT = Bi("", "")


def define(
    rule_id: str,
    name: str,
    severity: Severity,
    *,
    title: Bi,
    message: Bi,
    why: Bi,
    hint: Bi = NO_HINT,
    scope: Scope = "load",
    check: Callable[..., Iterable[Finding]] | None = None,
    unreadable: bool = False,
    blocks_rewrite: bool = False,
    environment: bool = False,
) -> Rule:
    """Register a rule; ids and names must be unique."""
    if rule_id in REGISTRY:
        raise ValueError(f"duplicate rule id {rule_id}")
    if any(r.name == name for r in REGISTRY.values()):
        raise ValueError(f"duplicate rule name {name}")
    rule = Rule(
        rule_id,
        name,
        severity,
        title,
        message,
        hint,
        why,
        scope,
        unreadable=unreadable,
        blocks_rewrite=blocks_rewrite or unreadable,
        environment=environment,
        check=check,
    )
    REGISTRY[rule_id] = rule
    return rule


def check(
    rule_id: str,
    name: str,
    severity: Severity,
    *,
    scope: Scope,
    title: Bi,
    message: Bi,
    why: Bi,
    hint: Bi = NO_HINT,
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Decorator form of :func:`define` for rules that run a check over the model."""

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        define(
            rule_id,
            name,
            severity,
            title=title,
            message=message,
            why=why,
            hint=hint,
            scope=scope,
            check=fn,
        )
        return fn

    return wrap


def also(
    rule_id: str, *, scope: Scope
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Attach another check, at another scope, to an already defined rule.

    A rule such as "credit code check character" looks at global files (defaults) once
    and at each region's files in that region's pass; both parts report the same id.
    """

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        rule = REGISTRY[rule_id]
        REGISTRY[rule_id] = replace(rule, more=(*rule.more, (scope, fn)))
        return fn

    return wrap


def rule_id(rule: str) -> str:
    """``rule`` itself, once it is known to be defined: modules outside ``rules/`` name the
    rules they report with this at import time, so a mistyped id stops the program at once
    instead of crashing when the finding is first printed."""
    if rule not in REGISTRY:
        raise LookupError(f"no rule {rule} is defined (import its declaring module first)")
    return rule


def family_of(finding: Finding) -> str:
    """The family letter of the finding's rule (Y, S, C, R, L, Q, B)."""
    return REGISTRY[finding.rule].family


def unread_files(findings: Iterable[Finding]) -> list[str]:
    """The files (as labelled) that ``findings`` say could not be read at all."""
    return sorted({f.loc.file for f in findings if _fact(f, "unreadable")})


def blocks_rewrite(finding: Finding) -> bool:
    """Whether ``finding`` makes its file unsafe to rewrite."""
    return _fact(finding, "blocks_rewrite")


def environment_failures(findings: Iterable[Finding]) -> int:
    """How many of ``findings`` the machine caused (a file the OS would not give us)."""
    return sum(1 for f in findings if _fact(f, "environment"))


def _fact(finding: Finding, name: str) -> bool:
    rule = REGISTRY.get(finding.rule)
    return rule is not None and bool(getattr(rule, name))


def checks_for(enabled: set[str], scope: Scope) -> list[Callable[..., Iterable[Finding]]]:
    """The functions of the enabled rules that run at ``scope``, in rule-id order."""
    return [
        fn
        for rid, rule in sorted(REGISTRY.items())
        if rid in enabled
        for where, fn in rule.checks()
        if where == scope
    ]


def _fmt(template: str, params: Mapping[str, Any], lang: Lang) -> str:
    values = {k: (v.get(lang) if isinstance(v, Bi) else v) for k, v in params.items()}
    return template.format_map(_Missing(values))


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# A finding standing for the rest of one rule's findings in one file (see
# :func:`zjpaoyici.ops.validate.cap_per_rule`): its params hold only how many it stands for.
OMITTED = "omitted"


def omitted_summary(rule: str, loc: Loc, count: int) -> Finding:
    """One finding in place of ``count`` further findings of ``rule`` in ``loc``'s file."""
    return Finding(rule, loc, {OMITTED: count})


def omitted_count(finding: Finding) -> int:
    """How many findings a summary stands for (0 for an ordinary finding)."""
    value = finding.params.get(OMITTED) if len(finding.params) == 1 else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def message_of(finding: Finding, lang: Lang) -> str:
    """The finding's message in ``lang``."""
    if OMITTED in finding.params and len(finding.params) == 1:
        return t("findings_omitted", lang, count=finding.params[OMITTED], rule=finding.rule)
    return _fmt(REGISTRY[finding.rule].message.get(lang), finding.params, lang)


def hint_of(finding: Finding, lang: Lang) -> str:
    """The finding's fix hint in ``lang`` (may be empty)."""
    if OMITTED in finding.params and len(finding.params) == 1:
        return t("findings_omitted_hint", lang)
    return _fmt(REGISTRY[finding.rule].hint.get(lang), finding.params, lang)


def related_of(finding: Finding, lang: Lang) -> list[str]:
    """``see also: file:line:col`` for each related place (the first duplicate, the value a
    message compares with), for formats that carry only text."""
    return [t("also_at", lang) + str(loc) for loc in finding.related]


class SelectionError(ValueError):
    """A --select/--ignore value names no rule."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def _matches(rule_id: str, selector: str) -> bool:
    return selector == "ALL" or rule_id.startswith(selector)


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> set[str]:
    """Rule ids enabled by ruff-style ``select``/``ignore`` prefixes (default: all)."""
    select = [s.strip().upper() for s in select if s.strip()] or ["ALL"]
    ignore = [s.strip().upper() for s in ignore if s.strip()]
    for selector in (*select, *ignore):
        if selector != "ALL" and not any(r.startswith(selector) for r in REGISTRY):
            raise SelectionError(selector)
    return {
        rid
        for rid in REGISTRY
        if any(_matches(rid, s) for s in select) and not any(_matches(rid, s) for s in ignore)
    }
