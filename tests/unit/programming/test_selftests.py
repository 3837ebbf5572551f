"""Parsing the evaluator's unit tests: what is kept, what is dropped, and why."""

from __future__ import annotations

from reflexion.domains.programming.selftests import parse_tests


def parse(reply: str, *, known: set[str] | None = None, limit: int = 5):
    return parse_tests(reply, "add", known_names=known or set(), limit=limit)


def test_assert_lines_are_kept_in_fences_lists_and_prose():
    reply = (
        "Here are tests:\n```python\nassert add(1, 2) == 3\n  assert add(0, 0) == 0  # zero\n```\n"
        "1. assert add(-1, 1) == 0\n- `assert add(2, 2) == 4`\n>>> assert add(5, 5) == 10\n"
    )
    assert parse(reply).tests == [
        "assert add(1, 2) == 3",
        "assert add(0, 0) == 0",  # the comment is gone: feedback appends its own
        "assert add(-1, 1) == 0",
        "assert add(2, 2) == 4",
        "assert add(5, 5) == 10",
    ]


def test_at_most_limit_tests_duplicates_removed_first():
    reply = "\n".join(["assert add(1, 2) == 3", "assert add(1,2)==3", *[f"assert add({i}, 0) == {i}" for i in range(10)]])
    found = parse(reply, limit=3)
    assert found.tests == ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert add(1, 0) == 1"]
    assert found.found == 12


def test_lines_that_do_not_parse_or_do_not_call_the_function_are_dropped():
    reply = "assert add(1, 2 == 3\nassert True\nassert 1 + 1 == 2\nassert sub(1, 1) == 0\nadd(1, 2) == 3\nassert add(1, 1) == 2"
    assert parse(reply).tests == ["assert add(1, 1) == 2"]


def test_tests_needing_names_the_program_lacks_are_dropped():
    reply = "\n".join(
        [
            "assert math.isclose(add(0.1, 0.2), 0.3)",  # math is not imported by the program
            "assert add(x, 1) == 2",  # x is never defined
            "assert add(*[1, 2]) == 3",
            "assert all(add(i, 0) == i for i in range(5))",  # i is bound by the test itself
            "assert (lambda f: f(1, 1))(add) == 2",
            "assert sorted([add(2, 1), add(0, 1)]) == [1, 3]",  # builtins are fine
            "assert helper(add(1, 1)) == 2",
        ]
    )
    assert parse(reply, known={"helper"}).tests == [
        "assert add(*[1, 2]) == 3",
        "assert all((add(i, 0) == i for i in range(5)))",
        "assert (lambda f: f(1, 1))(add) == 2",
        "assert sorted([add(2, 1), add(0, 1)]) == [1, 3]",
        "assert helper(add(1, 1)) == 2",
    ]


def test_an_assert_wrapped_over_lines_is_joined():
    reply = "```python\nassert add(\n    1,\n    2,\n) == 3\nassert add(2, 2) == 4\n```"
    assert parse(reply).tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4"]


def test_a_reply_without_usable_asserts_gives_no_tests():
    assert parse("I think add(1, 2) should be 3.").tests == []
    assert parse("").tests == []
