"""The second look at a self-written test: reading the test, the model's value, and the comparison."""

from __future__ import annotations

import pytest

from reflexion.domains.programming.recheck import call_of, contradicts, expected_of, literal


def test_the_call_and_the_expected_value_are_read_from_the_assert():
    assert call_of("assert f([1, 2], k=3) == [1]") == "f([1, 2], k=3)"
    assert expected_of("assert f(1) == (2, 'a')") == ((2, "a"),)
    assert expected_of("assert f(1) == None") == (None,)
    assert call_of("assert f(1)") is None and call_of("assert f(1) != 2") is None and call_of("x = (") is None


@pytest.mark.parametrize(
    "test, rederived, actual, wrong",
    [
        ("assert f([1, 2, 2]) == [1, 2]", "[1]", "[1]", True),  # worked out again as the code returned
        ("assert f([1, 2, 2]) == [1, 2]", "[1, 2]", "[1]", False),  # the test's own value again
        ("assert f([1, 2, 2]) == [1, 2]", "[7]", "[1]", False),  # a third value: no evidence either way
        ("assert f(1) == 'a'", "'b'", "'b'", True),
        ("assert f(1) == 2", "2.0", "2.0", False),  # 2.0 == 2: the test already agrees with the code
        ("assert f(1) == 2", "<object>", "<object>", False),  # not a literal: nothing to compare
    ],
)
def test_a_test_is_wrong_only_when_the_new_value_is_the_codes_and_not_the_tests(test, rederived, actual, wrong):
    assert contradicts(test, rederived, actual) is wrong


def test_literal_wraps_the_value_so_none_is_a_value():
    assert literal("None") == (None,) and literal("[1, 2]") == ([1, 2],) and literal("foo(") is None
