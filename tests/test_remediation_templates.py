"""Remediation commands are rendered once per action and data, and what renders apart stays apart."""

from __future__ import annotations

from onshi.platforms.remediation import RemediationTemplates


def test_the_same_action_and_data_render_the_same_commands_every_time() -> None:
    templates = RemediationTemplates("cisco_ios")
    first = templates.render("ssh_only", {"line": "vty 0 4", "answered": ["telnet"], "answered6": []})
    again = templates.render("ssh_only", {"line": "vty 0 4", "answered": ["telnet"], "answered6": []})
    assert first == again == ("line vty 0 4", " transport input ssh")
    assert templates.render("ssh_only", {"line": "con 0"}) == ("line con 0", " transport input ssh")


def test_values_equal_in_python_but_rendered_differently_are_not_confused() -> None:
    templates = RemediationTemplates("cisco_ios")
    assert templates.render("ssh_only", {"line": 1}) == ("line 1", " transport input ssh")
    assert templates.render("ssh_only", {"line": True}) == ("line True", " transport input ssh")
    assert templates.render("ssh_only", {"line": 1.0}) == ("line 1.0", " transport input ssh")


def test_data_that_cannot_be_a_key_still_renders() -> None:
    templates = RemediationTemplates("cisco_ios")
    context = ["interface Gi0/0"]
    removed = templates.render("remove_line", {"text": "ip proxy-arp", "line": 7, "context": context,
                                               "references": {"unhashable": ["x"]}})  # fmt: skip
    assert removed == ("interface Gi0/0", " no ip proxy-arp")
    assert templates.render("no_such_action", {}) == ()
